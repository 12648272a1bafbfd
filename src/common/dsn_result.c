/* dsn_result: a RESULT line (doc/protocols.md) taken apart for a notice:
 * its code, its RFC 3463 status (the kind's default when it has none or a
 * malformed one), the MTA that answered, and the text. libc only; never
 * fails, never allocates: the parts point into the line. */
#include "common/dsn.h"
#include "common/dsn_part.h"

#include <string.h>

static int digit(char c)
{
  return c >= '0' && c <= '9';
}

/* 1-3 digits at s; returns how many, 0 when none or more than 3 */
static size_t digits(char const *s)
{
  size_t n = 0;
  while (n < 4 && digit(s[n])) n++;
  return n >= 1 && n <= 3 ? n : 0;
}

/* "C.S.D" at s, C in 2, 4, 5: its length, or 0 */
static size_t status_len(char const *s)
{
  size_t a, b;
  if (s[0] != '2' && s[0] != '4' && s[0] != '5') return 0;
  if (s[1] != '.') return 0;
  a = digits(s + 2);
  if (!a || s[2 + a] != '.') return 0;
  b = digits(s + 3 + a);
  if (!b) return 0;
  return 3 + a + b;
}

void dsn_result_parse(char const *line, int kind, dsn_result *r)
{
  size_t n;
  char const *p;
  r->code = '?';
  strcpy(r->status, kind == DSN_DELAYED ? "4.0.0" : "5.0.0");
  r->mta = "-";
  r->mtalen = 1;
  r->text = line;
  if (line[0] != 'K' && line[0] != 'Z' && line[0] != 'D') return;
  n = status_len(line + 1);
  if (!n || n >= sizeof r->status || (line[1 + n] && line[1 + n] != ' ')) return;
  r->code = line[0];
  memcpy(r->status, line + 1, n);
  r->status[n] = 0;
  p = line + 1 + n;
  if (*p) p++;
  r->text = p + strlen(p);
  if (!*p) return;
  r->mta = p;
  while (*p && *p != ' ') p++;
  r->mtalen = (size_t)(p - r->mta);
  if (*p) p++;
  r->text = p;
}

int dsn_result_remote(dsn_result const *r)
{
  return !(r->mtalen == 1 && r->mta[0] == '-') && r->mtalen > 0;
}

int dsn_result_smtp(dsn_result const *r)
{
  char const *t = r->text;
  if (!dsn_result_remote(r)) return 0;
  if (t[0] < '2' || t[0] > '5' || !digit(t[1]) || !digit(t[2])) return 0;
  return !t[3] || t[3] == ' ' || t[3] == '-';
}

size_t dsn_result_host(dsn_result const *r, char const **host)
{
  char const *br = memchr(r->mta, '[', r->mtalen);
  *host = r->mta;
  if (!br || br == r->mta) return r->mtalen;
  return (size_t)(br - r->mta);
}
