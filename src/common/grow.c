/* grow: room in a growing byte buffer. See grow.h. */
#include "common/grow.h"

#include <errno.h>
#include <stdlib.h>

int grow_bytes(char **s, size_t *a, size_t len, size_t n, size_t first)
{
  if (n > (size_t)-1 - len) { errno = ENOMEM; return -1; }
  if (len + n <= *a) return 0;
  size_t na = *a ? *a : first;
  while (na < len + n) {
    if (na > (size_t)-1 / 2) { errno = ENOMEM; return -1; }
    na *= 2;
  }
  char *t = realloc(*s, na);
  if (!t) { errno = ENOMEM; return -1; }
  *s = t;
  *a = na;
  return 0;
}
