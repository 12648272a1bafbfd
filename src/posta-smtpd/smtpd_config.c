/* smtpd_config: read and bound posta-smtpd's settings. See smtpd_config.h. */
#include "posta-smtpd/smtpd_config.h"

#include <string.h>

#include "common/control.h"
#include "common/envelope.h"

#define MAXRCPT_DEFAULT 1000
#define TIMEOUT_DEFAULT 1200
#define LINEMAX_DEFAULT 1000
#define MINFREE_DEFAULT 10485760
#define MAXBADRCPT_DEFAULT 10
#define BADRCPTDELAY_DEFAULT 1

/* Printable ASCII only: the greeting goes on the wire as it is. */
static void printable(char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e) *s = '?';
}

static int greeting(smtpd_cfg *c, char const *me)
{
  int r = control_line("control/smtpgreeting", c->greeting, sizeof c->greeting, me);
  if (r < 0) return -1;
  if (!c->greeting[0]) {
    size_t n = strlen(me);
    if (n >= sizeof c->greeting) n = sizeof c->greeting - 1;
    memcpy(c->greeting, me, n);
    c->greeting[n] = 0;
  }
  printable(c->greeting);
  return 0;
}

int smtpd_config_load(smtpd_cfg *c, char const *me)
{
  unsigned long v;
  if (greeting(c, me) < 0) return -1;
  if (control_ulong("control/databytes", &v, 0) < 0) return -1;
  c->databytes = v;
  if (control_ulong("control/maxrcpt", &c->maxrcpt, MAXRCPT_DEFAULT) < 0) return -1;
  c->maxrcpt = envelope_maxrcpt(c->maxrcpt);
  if (control_ulong("control/maxbadrcpt", &c->maxbadrcpt, MAXBADRCPT_DEFAULT) < 0) return -1;
  if (control_ulong("control/badrcptdelay", &c->badrcptdelay, BADRCPTDELAY_DEFAULT) < 0) return -1;
  if (c->badrcptdelay > SMTPD_BADRCPT_DELAY_MAX) c->badrcptdelay = SMTPD_BADRCPT_DELAY_MAX;
  if (control_ulong("control/timeoutsmtpd", &c->timeout, TIMEOUT_DEFAULT) < 0) return -1;
  if (!c->timeout) c->timeout = TIMEOUT_DEFAULT;
  if (control_ulong("control/maxline", &c->linemax, LINEMAX_DEFAULT) < 0) return -1;
  if (c->linemax && c->linemax < LINEMAX_DEFAULT) c->linemax = LINEMAX_DEFAULT;
  if (control_ulong("control/queueminfree", &v, MINFREE_DEFAULT) < 0) return -1;
  c->minfree = v;
  /* at least twice databytes, so that one message never fills the disk */
  if (c->databytes && c->minfree / 2 < c->databytes)
    c->minfree = c->databytes > UINT64_MAX / 2 ? UINT64_MAX : 2 * c->databytes;
  return 0;
}

uint64_t smtpd_config_need(smtpd_cfg const *c, uint64_t extra)
{
  return extra > UINT64_MAX - c->minfree ? UINT64_MAX : c->minfree + extra;
}
