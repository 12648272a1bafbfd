/* tlsdest: parse control/tlsdestinations. See tlsdest.h. */
#include "posta-remote/tlsdest.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "common/control.h"

#define BLANKS " \t"

/* The line whose key (up to the first blank) is key[0..n), or 0. */
static char const *line_for(char const *list, size_t len, char const *key, size_t n)
{
  size_t pos = 0;
  char const *item;
  while ((item = control_next(list, len, &pos)))
    if (strcspn(item, BLANKS) == n && !strncasecmp(item, key, n)) return item;
  return 0;
}

/* Appends the comma-separated names of v[0..n) to d->names. */
static int add_names(tlsdest *d, char const *v, size_t n)
{
  while (n) {
    size_t k = 0;
    while (k < n && v[k] != ',') k++;
    if (!k || k + 1 > sizeof d->names - d->nameslen) return -1;
    memcpy(d->names + d->nameslen, v, k);
    d->nameslen += k;
    d->names[d->nameslen++] = 0;
    if (k == n) return 0;
    v += k + 1;
    n -= k + 1;
    if (!n) return -1;   /* a trailing comma */
  }
  return 0;
}

/* One option, s[0..n). */
static int option(tlsdest *d, char const *s, size_t n)
{
  if (n > 3 && !strncmp(s, "ca=", 3)) {
    if (n - 3 >= sizeof d->ca) return -1;
    memcpy(d->ca, s + 3, n - 3);
    d->ca[n - 3] = 0;
    return 0;
  }
  if (n > 5 && !strncmp(s, "name=", 5)) return add_names(d, s + 5, n - 5);
  return -1;
}

static int options(tlsdest *d, char const *s)
{
  for (;;) {
    s += strspn(s, BLANKS);
    if (!*s) return 0;
    size_t n = strcspn(s, BLANKS);
    if (option(d, s, n) < 0) return -1;
    s += n;
  }
}

int tlsdest_find(char const *list, size_t len, char const *domain, tlsdest *out, char const **line)
{
  size_t dlen = strlen(domain);
  char const *hit = line_for(list, len, domain, dlen);
  /* then ".suffix" keys, longest first: the key keeps the dot */
  for (size_t i = 1; i < dlen && !hit; i++)
    if (domain[i] == '.') hit = line_for(list, len, domain + i, dlen - i);
  out->listed = 0;
  out->ca[0] = 0;
  out->nameslen = 0;
  if (!hit) return 0;
  if (line) *line = hit;
  out->listed = 1;
  if (options(out, hit + strcspn(hit, BLANKS)) < 0) {
    errno = EINVAL;
    return -1;
  }
  return 1;
}

int tlsdest_check(char const *list, size_t len, char const **line)
{
  size_t pos = 0;
  char const *item;
  tlsdest d;
  while ((item = control_next(list, len, &pos))) {
    *line = item;
    d.nameslen = 0;
    if (options(&d, item + strcspn(item, BLANKS)) < 0) return errno = EINVAL, -1;
  }
  return 0;
}

char const *tlsdest_name(tlsdest const *d, size_t *pos)
{
  if (*pos >= d->nameslen) return 0;
  char const *s = d->names + *pos;
  *pos += strlen(s) + 1;
  return s;
}
