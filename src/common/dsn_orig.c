/* dsn_orig: what a notice returns of the original message.
 *
 * A failure notice returns the whole message as message/rfc822 when it is
 * at most the limit and can travel as it is: no NUL, no CR, no line longer
 * than DSN_LINE_MAX. Otherwise, and always in a delay notice, it returns the
 * header section as text/rfc822-headers: the lines up to the first empty
 * one, cut after the last whole line within the bytes given, with NUL, CR
 * and other controls but TAB replaced by spaces and over-long lines cut
 * into continuation lines. Never fails but for memory. */
#include "common/dsn.h"
#include "common/dsn_fmt.h"
#include "common/dsn_part.h"

#include <string.h>

/* 1 when s can be carried as message/rfc822 without a change */
static int clean(char const *s, size_t len)
{
  size_t col = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '\n') { col = 0; continue; }
    if (!s[i] || s[i] == '\r' || ++col > DSN_LINE_MAX) return 0;
  }
  return 1;
}

/* The length of the header section at the start of s[0..len), its final
 * newline included. When s is not the whole message and holds no empty
 * line, the section goes on past len: it is cut after its last whole line. */
static size_t header_len(char const *s, size_t len, int whole)
{
  char const *nl;
  if (len && s[0] == '\n') return 0;
  for (size_t i = 0; i < len; i = (size_t)(nl - s) + 1) {
    nl = memchr(s + i, '\n', len - i);
    if (!nl) break;
    if ((size_t)(nl - s) + 1 < len && nl[1] == '\n') return (size_t)(nl - s) + 1;
  }
  if (whole) return len;
  nl = len ? s + len : s;
  while (nl > s && nl[-1] != '\n') nl--;
  return (size_t)(nl - s);
}

static void copy_headers(dsn_buf *b, char const *s, size_t len)
{
  size_t col = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n') {
      dsn_fmt_putc(b, '\n');
      col = 0;
      continue;
    }
    if (col >= DSN_LINE_MAX) {
      dsn_fmt_put(b, "\n ", 2);
      col = 1;
    }
    dsn_fmt_putc(b, (c < 0x20 && c != '\t') || c == 0x7f ? ' ' : (char)c);
    col++;
  }
  if (col) dsn_fmt_putc(b, '\n');
}

int dsn_orig_prepare(dsn const *d, dsn_orig *o)
{
  int whole = d->msg && d->msglen == d->msgsize;
  size_t n;
  memset(o, 0, sizeof *o);
  if (!d->msg) return 0;
  if (d->kind == DSN_FAILED && whole && d->msgsize <= d->limit && clean(d->msg, d->msglen)) {
    o->what = DSN_ORIG_WHOLE;
    o->s = d->msg;
    o->len = d->msglen;
    o->eightbit = dsn_fmt_has8bit(o->s, o->len);
    return 0;
  }
  o->toobig = d->kind == DSN_FAILED && d->msgsize > d->limit;
  n = header_len(d->msg, d->msglen, whole);
  if (!n) return 0;
  copy_headers(&o->hdr, d->msg, n);
  if (o->hdr.err) return -1;
  o->what = DSN_ORIG_HEADERS;
  o->s = o->hdr.s;
  o->len = o->hdr.len;
  o->eightbit = dsn_fmt_has8bit(o->s, o->len);
  return 0;
}

void dsn_orig_free(dsn_orig *o)
{
  dsn_buf_free(&o->hdr);
}
