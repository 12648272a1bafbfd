/* settings: reading control files. See settings.h. */
#include "posta-send/settings.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "common/control.h"
#include "posta-send/slog.h"

void settings_default(settings *s)
{
  domains z = DOMAINS_ZERO;
  s->conc[CHAN_LOCAL] = CONC_LOCAL_DEFAULT;
  s->conc[CHAN_REMOTE] = CONC_REMOTE_DEFAULT;
  s->concdest = DEST_CONCURRENCY_DEFAULT;
  s->concmailbox = CONC_MAILBOX_DEFAULT;
  retrysched_default(&s->sched);
  s->lifetime = LIFETIME_DEFAULT;
  s->delaywarning = DELAYWARNING_DEFAULT;
  s->doms = z;
}

static void complain(int logfd, char const *fn, int e)
{
  slog l;
  slog_start(&l, logfd);
  slog_str(&l, "posta-send: warning: unable to use ");
  slog_str(&l, fn);
  slog_str(&l, ", keeping its previous value: ");
  slog_str(&l, e == EINVAL ? "not a valid value" : strerror(e));
  slog_end(&l);
}

static unsigned number(char const *fn, unsigned long *v, unsigned long dflt, unsigned long lo, unsigned long hi, int logfd)
{
  unsigned long x;
  if (control_ulong(fn, &x, dflt) < 0) { complain(logfd, fn, errno); return 1; }
  if (x < lo) x = lo;
  if (x > hi) x = hi;
  *v = x;
  return 0;
}

static struct { char const *fn; unsigned long dflt; } const concs[] = {
  { "control/concurrencylocal", CONC_LOCAL_DEFAULT },
  { "control/concurrencyremote", CONC_REMOTE_DEFAULT },
  { "control/concurrencydomain", DEST_CONCURRENCY_DEFAULT },
  { "control/concurrencymailbox", CONC_MAILBOX_DEFAULT },
};

static char const *const domfiles[3] = { "control/me", "control/locals", "control/virtualdomains" };

static void signature(uint64_t sig[3][4])
{
  struct stat st;
  for (int i = 0; i < 3; i++) {
    if (stat(domfiles[i], &st) < 0) memset(&st, 0, sizeof st);
    sig[i][0] = (uint64_t)st.st_ino;
    sig[i][1] = (uint64_t)st.st_size;
    sig[i][2] = (uint64_t)st.st_mtim.tv_sec;
    sig[i][3] = (uint64_t)st.st_mtim.tv_nsec;
  }
}

static int load_domains(settings *s, int logfd)
{
  domains d = DOMAINS_ZERO;
  uint64_t sig[3][4];
  signature(sig);
  if (domains_load(&d) < 0) {
    complain(logfd, "control/locals or control/virtualdomains", errno);
    domains_free(&d);
    return -1;
  }
  domains_free(&s->doms);
  s->doms = d;
  memcpy(s->doms_sig, sig, sizeof sig);
  return 0;
}

int settings_domains_fresh(settings *s, int logfd)
{
  uint64_t sig[3][4];
  signature(sig);
  if (!memcmp(sig, s->doms_sig, sizeof sig)) return 0;
  return load_domains(s, logfd) < 0 ? -1 : 1;
}

unsigned settings_load(settings *s, int logfd)
{
  unsigned bad = 0;
  unsigned long v[4] = { s->conc[CHAN_LOCAL], s->conc[CHAN_REMOTE], s->concdest, s->concmailbox };
  for (unsigned i = 0; i < 4; i++) bad += number(concs[i].fn, &v[i], concs[i].dflt, 1, CONC_MAX, logfd);
  s->conc[CHAN_LOCAL] = (unsigned)v[0];
  s->conc[CHAN_REMOTE] = (unsigned)v[1];
  s->concdest = (unsigned)v[2];
  s->concmailbox = (unsigned)v[3];
  {
    unsigned long lt = s->lifetime, dw = s->delaywarning;
    bad += number("control/queuelifetime", &lt, LIFETIME_DEFAULT, 0, TIME_SETTING_MAX, logfd);
    bad += number("control/delaywarning", &dw, DELAYWARNING_DEFAULT, 0, TIME_SETTING_MAX, logfd);
    s->lifetime = lt;
    s->delaywarning = dw;
  }
  if (retrysched_load(&s->sched, "control/retryschedule") < 0) {
    complain(logfd, "control/retryschedule", errno);
    bad++;
  }
  if (load_domains(s, logfd) < 0) bad++;
  return bad;
}

void settings_free(settings *s)
{
  domains_free(&s->doms);
}
