/* smtpd_reply: replies to the client, and the counts that end a session.
 *
 * Replies are queued in the output buffer and written when the session is
 * about to wait for input, so that a pipelined group is answered in one
 * write (RFC 2920). A reply that cannot be written ends the session.
 * Refused recipients are slowed down and limited (smtpd.h): RCPT answers
 * 250 or 550 (no such mailbox), which tells a harvester of addresses what
 * it wants to know, so it gets few answers per session, and slowly. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <skalibs/strerr.h>

#include "posta-smtpd/smtpd.h"

void smtpd_reply_parts(smtpd *s, char const *const *v, unsigned n)
{
  int r = 0;
  for (unsigned i = 0; i < n && !r; i++) r = smtpd_io_puts(&s->out, v[i]);
  if (!r) r = smtpd_io_put(&s->out, "\r\n", 2);
  if (r) s->quit = 1;
}

static void too_many(smtpd *s, char const *what)
{
  char ip[64];
  esc_str(ip, sizeof ip, s->remoteip, ESC_WORD);
  strerr_warnw("closing session from ", ip, ": too many ", what);
  smtpd_reply(s, "421 4.7.0 ", s->cfg.greeting, " too many ", what, ", closing connection");
  s->quit = s->linger = 1;
}

void smtpd_reply_failv(smtpd *s, char const *const *v, unsigned n)
{
  if (++s->errors >= SMTPD_ERRORS_MAX) too_many(s, "errors");
  else smtpd_reply_parts(s, v, n);
}

static void slow_down(smtpd const *s)
{
  if (s->badrcpt <= SMTPD_BADRCPT_FREE || !s->cfg.badrcptdelay) return;
  unsigned long sec = (s->badrcpt - SMTPD_BADRCPT_FREE) * s->cfg.badrcptdelay;
  struct timespec d = { (time_t)(sec > SMTPD_BADRCPT_DELAY_MAX ? SMTPD_BADRCPT_DELAY_MAX : sec), 0 };
  while (nanosleep(&d, &d) < 0 && errno == EINTR) ;
}

void smtpd_reply_refusev(smtpd *s, char const *const *v, unsigned n)
{
  unsigned long max = s->cfg.maxrcpt;
  if (++s->refused >= max) { too_many(s, "refused recipients"); return; }
  if (n && v[0][0] == '5') {
    s->badrcpt++;
    slow_down(s);
  }
  smtpd_reply_parts(s, v, n);
}

int smtpd_reply_badrcpt_over(smtpd *s)
{
  if (!s->cfg.maxbadrcpt || s->badrcpt < s->cfg.maxbadrcpt) return 0;
  too_many(s, "refused recipients");
  return 1;
}

void smtpd_reply_clean_helo(char *out, size_t outsize, char const *in)
{
  size_t n = in ? strlen(in) : 0;
  if (n && n < outsize && in[0] == '[' && addr_domain_ok(in, n, 0)) memcpy(out, in, n + 1);
  else esc_str(out, outsize, in, ESC_WORD);
}
