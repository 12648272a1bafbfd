/* control: read settings files. See control.h. */
#include "common/control.h"
#include "common/slurp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/rec.h"

static size_t trim(char const *s, size_t n)
{
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
  return n;
}

int control_line(char const *fn, char *buf, size_t size, char const *dflt)
{
  char *s;
  size_t len, n;
  if (!size) { errno = EINVAL; return -1; }
  if (slurp_path(fn, 0, 65536, &s, &len) < 0) {
    if (errno != ENOENT) return -1;
    n = dflt ? strlen(dflt) : 0;
    if (n >= size) n = size - 1;
    if (n) memcpy(buf, dflt, n);
    buf[n] = 0;
    return 0;
  }
  char const *nl = memchr(s, '\n', len);
  n = trim(s, nl ? (size_t)(nl - s) : len);
  if (n >= size) n = size - 1;
  memcpy(buf, s, n);
  buf[n] = 0;
  /* a NUL inside the line ends it: the caller sees a C string */
  free(s);
  return 1;
}

int control_ulong(char const *fn, unsigned long *val, unsigned long dflt)
{
  char buf[64];
  char *end;
  int r = control_line(fn, buf, sizeof buf, 0);
  if (r < 0) return -1;
  if (!r || !buf[0]) { *val = dflt; return 0; }
  if (buf[0] < '0' || buf[0] > '9') { errno = EINVAL; return -1; }
  errno = 0;
  unsigned long v = strtoul(buf, &end, 10);
  if (errno || *end) { errno = EINVAL; return -1; }
  *val = v;
  return 1;
}

int control_lines(char const *fn, size_t max, char **buf, size_t *len)
{
  char *s;
  size_t n, i = 0, out = 0;
  *buf = 0;
  *len = 0;
  if (slurp_path(fn, 0, max, &s, &n) < 0) return errno == ENOENT ? 0 : -1;
  while (i < n) {
    char const *nl = memchr(s + i, '\n', n - i);
    size_t end = nl ? (size_t)(nl - s) : n;
    size_t start = i;
    size_t k = trim(s + start, end - start);
    while (k && (s[start] == ' ' || s[start] == '\t')) { start++; k--; }
    if (k && s[start] != '#' && !memchr(s + start, 0, k)) {
      memmove(s + out, s + start, k);
      out += k;
      s[out++] = 0;
    }
    i = end + 1;
  }
  *buf = s;
  *len = out;
  return 1;
}

char const *control_next(char const *buf, size_t len, size_t *pos)
{
  if (*pos >= len) return 0;
  char const *item = buf + *pos;
  *pos += strlen(item) + 1;
  return item;
}
