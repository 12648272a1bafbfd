/* pwline: the lines of mailboxes/.passwd. See pwline.h. */
#include "common/pwline.h"

#include <string.h>
#include <strings.h>

static int hash_of(char const *line, size_t n, size_t alen, size_t max, char const **hash, size_t *hlen)
{
  char const *h = line + alen + 1;
  size_t k = n - alen - 1;
  if (k && h[k - 1] == '\r') k--;
  if (!k || k > max || memchr(h, 0, k)) return 0;
  *hash = h;
  *hlen = k;
  return 1;
}

int pwline_is(char const *line, size_t n, char const *addr, size_t alen)
{
  /* a NUL in the line's address part meets one of addr's octets there:
   * a mismatch (addr, a C string, holds none within alen) */
  return alen && n > alen && line[alen] == ':' && !strncasecmp(line, addr, alen);
}

char const *pwline_next(char const *buf, size_t len, size_t *pos, size_t *n)
{
  if (*pos >= len) return 0;
  char const *line = buf + *pos, *end = memchr(line, '\n', len - *pos);
  *n = end ? (size_t)(end - line) : len - *pos;
  *pos += *n + 1;
  return line;
}

int pwline_find(char const *buf, size_t len, char const *addr, size_t max, char const **hash, size_t *hlen)
{
  size_t pos = 0, n, alen = strlen(addr);
  char const *line;
  while ((line = pwline_next(buf, len, &pos, &n)))
    if (pwline_is(line, n, addr, alen) && hash_of(line, n, alen, max, hash, hlen)) return 1;
  return 0;
}
