/* smtpd_line: command lines, CRLF only, bounded. See smtpd_line.h. */
#include "posta-smtpd/smtpd_line.h"

void smtpd_line_reset(smtpd_line *l)
{
  l->len = l->total = 0;
  l->cr = l->toolong = l->nul = l->done = 0;
  l->s[0] = 0;
}

int smtpd_line_feed(smtpd_line *l, char const *buf, size_t n, size_t *used)
{
  size_t i = 0;
  if (l->done) smtpd_line_reset(l);
  while (i < n) {
    char c = buf[i++];
    l->total++;
    if (l->cr) {
      if (c != '\n') { *used = i; return LINE_BARE; }
      l->s[l->len] = 0;
      l->cr = 0;
      l->done = 1;
      *used = i;
      return LINE_DONE;
    }
    if (c == '\r') { l->cr = 1; continue; }
    if (c == '\n') { *used = i; return LINE_BARE; }
    if (!c) l->nul = 1;
    if (l->toolong) continue;
    /* room for CRLF: SMTPD_LINE_MAX - 2 octets of text */
    if (l->len >= SMTPD_LINE_MAX - 2) {
      l->toolong = 1;
      *used = i;
      return LINE_TOOLONG;
    }
    l->s[l->len++] = c;
  }
  *used = i;
  return LINE_MORE;
}
