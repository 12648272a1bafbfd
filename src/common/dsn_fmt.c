/* dsn_fmt: buffers, folded fields, wrapped text, dates. See dsn_fmt.h. */
#include "common/dsn_fmt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/grow.h"

static void grow(dsn_buf *b, size_t n)
{
  if (!b->err && grow_bytes(&b->s, &b->a, b->len, n, 1024) < 0) b->err = ENOMEM;
}

void dsn_fmt_put(dsn_buf *b, char const *s, size_t n)
{
  grow(b, n);
  if (b->err || !n) return;
  memcpy(b->s + b->len, s, n);
  b->len += n;
}

void dsn_fmt_puts(dsn_buf *b, char const *s)
{
  dsn_fmt_put(b, s, strlen(s));
}

void dsn_fmt_putc(dsn_buf *b, char c)
{
  dsn_fmt_put(b, &c, 1);
}

void dsn_fmt_putu(dsn_buf *b, uint64_t u)
{
  char num[24];
  int n = snprintf(num, sizeof num, "%llu", (unsigned long long)u);
  dsn_fmt_put(b, num, (size_t)n);
}

/* Whitespace for folding and wrapping: a space, a tab, and every control
 * character, which is never copied as it is. */
static int blank(unsigned char c)
{
  return c <= 0x20 || c == 0x7f;
}

void dsn_fmt_field(dsn_buf *b, char const *name, char const *v, size_t n)
{
  size_t col = strlen(name) + 2, i = 0;
  int hasword = 0;
  while (n && blank((unsigned char)v[n - 1])) n--;
  while (i < n && blank((unsigned char)v[i])) i++;
  dsn_fmt_puts(b, name);
  dsn_fmt_put(b, ": ", 2);
  while (i < n) {
    size_t j = i, k;
    while (j < n && blank((unsigned char)v[j])) j++;
    k = j;
    while (k < n && !blank((unsigned char)v[k])) k++;
    /* fold before the whitespace: it begins the continuation line */
    if (hasword && j > i && col + (k - i) > DSN_FOLD) {
      dsn_fmt_putc(b, '\n');
      col = 0;
      hasword = 0;
    }
    for (; i < k; i++) {
      if (col >= DSN_LINE_MAX) {
        dsn_fmt_put(b, "\n ", 2);
        col = 1;
      }
      dsn_fmt_putc(b, i < j ? ' ' : v[i]);
      col++;
    }
    hasword = 1;
  }
  dsn_fmt_putc(b, '\n');
}

void dsn_fmt_fields(dsn_buf *b, char const *name, char const *value)
{
  dsn_fmt_field(b, name, value, strlen(value));
}

void dsn_fmt_wrap(dsn_buf *b, char const *indent, char const *t, size_t n, size_t width)
{
  size_t ind = strlen(indent), col = 0, i = 0;
  if (ind > width / 2) ind = 0;
  while (i < n) {
    size_t j, k;
    while (i < n && blank((unsigned char)t[i])) i++;
    if (i == n) break;
    k = i;
    while (k < n && !blank((unsigned char)t[k])) k++;
    if (col && col + 1 + (k - i) > width) {
      dsn_fmt_putc(b, '\n');
      col = 0;
    }
    if (!col) {
      dsn_fmt_put(b, indent, ind);
      col = ind;
    } else {
      dsn_fmt_putc(b, ' ');
      col++;
    }
    for (j = i; j < k; j++) {
      if (col >= DSN_LINE_MAX) {
        dsn_fmt_putc(b, '\n');
        dsn_fmt_put(b, indent, ind);
        col = ind;
      }
      dsn_fmt_putc(b, t[j]);
      col++;
    }
    i = k;
  }
  if (col) dsn_fmt_putc(b, '\n');
}

void dsn_fmt_ascii(dsn_buf *b, char const *t, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)t[i];
    dsn_fmt_putc(b, c >= 0x80 ? '?' : blank(c) ? ' ' : (char)c);
  }
}

int dsn_fmt_has8bit(char const *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)s[i] >= 0x80) return 1;
  return 0;
}

/* One UTF-8 sequence at s: its code point and length; a byte that does not
 * start a valid, shortest sequence stands for itself. */
static size_t utf8_next(unsigned char const *s, size_t n, uint32_t *cp)
{
  size_t len;
  uint32_t c = s[0], min;
  if (c < 0x80) { *cp = c; return 1; }
  if ((c & 0xe0) == 0xc0) { len = 2; c &= 0x1f; min = 0x80; }
  else if ((c & 0xf0) == 0xe0) { len = 3; c &= 0x0f; min = 0x800; }
  else if ((c & 0xf8) == 0xf0) { len = 4; c &= 0x07; min = 0x10000; }
  else goto raw;
  if (len > n) goto raw;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) goto raw;
    c = (c << 6) | (s[i] & 0x3f);
  }
  if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) goto raw;
  *cp = c;
  return len;
raw:
  *cp = s[0];
  return 1;
}

void dsn_fmt_addr_typed(dsn_buf *b, char const *addr)
{
  size_t n = strlen(addr), i;
  for (i = 0; i < n; i++)
    if ((unsigned char)addr[i] < 0x20 || (unsigned char)addr[i] >= 0x7f) break;
  if (i == n) {
    dsn_fmt_puts(b, "rfc822; ");
    dsn_fmt_put(b, addr, n);
    return;
  }
  dsn_fmt_puts(b, "utf-8; ");
  for (i = 0; i < n;) {
    uint32_t cp;
    i += utf8_next((unsigned char const *)addr + i, n - i, &cp);
    /* QCHAR: printable ASCII but '+', '=' and '\' */
    if (cp > 0x20 && cp < 0x7f && cp != '+' && cp != '=' && cp != '\\') {
      dsn_fmt_putc(b, (char)cp);
    } else {
      char x[16];
      int k = snprintf(x, sizeof x, "\\x{%02X}", (unsigned)cp);
      dsn_fmt_put(b, x, (size_t)k);
    }
  }
}

static char const days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static char const months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

size_t dsn_fmt_date(char *buf, int64_t t)
{
  struct tm tm;
  time_t tt = (time_t)t;
  int n;
  if (!gmtime_r(&tt, &tm) || tm.tm_year > 9999 - 1900 || tm.tm_year < -1900) {
    tt = 0;
    gmtime_r(&tt, &tm);
  }
  n = snprintf(buf, DSN_DATE_MAX, "%s, %d %s %04d %02d:%02d:%02d +0000",
               days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
               tm.tm_hour, tm.tm_min, tm.tm_sec);
  return n > 0 && n < DSN_DATE_MAX ? (size_t)n : 0;
}

size_t dsn_fmt_duration(char *buf, int64_t secs)
{
  static struct { int64_t len; char const *name; } const units[] = {
    { 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" },
  };
  unsigned i = 0;
  int n;
  if (secs < 0) secs = 0;
  while (i < 3 && secs < units[i].len) i++;
  int64_t v = secs / units[i].len;
  n = snprintf(buf, DSN_DURATION_MAX, "%lld %s%s", (long long)v, units[i].name, v == 1 ? "" : "s");
  return n > 0 && n < DSN_DURATION_MAX ? (size_t)n : 0;
}
