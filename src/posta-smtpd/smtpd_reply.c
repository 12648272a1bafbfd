/* smtpd_reply: replies to the client, and the counts that end a session.
 *
 * Replies are queued in the output buffer and written when the session is
 * about to wait for input, so that a pipelined group is answered in one
 * write (RFC 2920). A reply that cannot be written ends the session. */
#include <string.h>

#include <skalibs/strerr.h>

#include "posta-smtpd/smtpd.h"

void smtpd_replyv(smtpd *s, char const *const *v, unsigned n)
{
  int r = 0;
  for (unsigned i = 0; i < n && !r; i++) r = sio_puts(&s->out, v[i]);
  if (!r) r = sio_put(&s->out, "\r\n", 2);
  if (r) s->quit = 1;
}

static void too_many(smtpd *s, char const *what)
{
  char ip[64];
  smtpd_clean(ip, sizeof ip, s->remoteip);
  strerr_warnw("closing session from ", ip, ": too many ", what);
  smtpd_reply(s, "421 4.7.0 ", s->cfg.greeting, " too many ", what, ", closing connection");
  s->quit = s->linger = 1;
}

void smtpd_failv(smtpd *s, char const *const *v, unsigned n)
{
  if (++s->errors >= SMTPD_ERRORS_MAX) too_many(s, "errors");
  else smtpd_replyv(s, v, n);
}

void smtpd_refusev(smtpd *s, char const *const *v, unsigned n)
{
  unsigned long max = s->cfg.maxrcpt;
  if (++s->refused >= max) too_many(s, "refused recipients");
  else smtpd_replyv(s, v, n);
}

void smtpd_clean(char *out, size_t outsize, char const *in)
{
  size_t n = 0;
  if (!outsize) return;
  for (; in && *in && n + 1 < outsize; in++) {
    unsigned char c = (unsigned char)*in;
    int bad = c < 0x21 || c > 0x7e || c == '(' || c == ')' || c == '[' || c == ']' || c == '\\' || c == ';';
    out[n++] = bad ? '?' : (char)c;
  }
  out[n] = 0;
}

void smtpd_clean_helo(char *out, size_t outsize, char const *in)
{
  size_t n = in ? strlen(in) : 0;
  if (n && n < outsize && in[0] == '[' && addr_domain_ok(in, n, 0)) memcpy(out, in, n + 1);
  else smtpd_clean(out, outsize, in);
}
