/* retrysched: the retry schedule. See retrysched.h. */
#include "posta-send/retrysched.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/control.h"

void retrysched_default(retrysched *r)
{
  static uint32_t const d[] = RETRYSCHED_DEFAULT;
  r->n = sizeof d / sizeof d[0];
  memcpy(r->delay, d, sizeof d);
}

static int number(char const *s, uint32_t *v)
{
  uint64_t x = 0;
  if (!*s) return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return -1;
    x = x * 10 + (uint64_t)(*s - '0');
    if (x > RETRYSCHED_LIMIT) return -1;
  }
  if (!x) return -1;
  *v = (uint32_t)x;
  return 0;
}

int retrysched_parse(retrysched *r, char const *items, size_t len)
{
  retrysched t;
  size_t pos = 0;
  char const *s;
  t.n = 0;
  while ((s = control_next(items, len, &pos))) {
    if (t.n == RETRYSCHED_MAX || number(s, &t.delay[t.n]) < 0) { errno = EINVAL; return -1; }
    t.n++;
  }
  if (!t.n) { errno = EINVAL; return -1; }
  *r = t;
  return 0;
}

int retrysched_load(retrysched *r, char const *fn)
{
  char *buf;
  size_t len;
  int got = control_lines(fn, 65536, &buf, &len);
  if (got < 0) return -1;
  if (!got) { retrysched_default(r); return 0; }
  got = retrysched_parse(r, buf, len);
  { int e = errno; free(buf); errno = e; }
  return got;
}

uint32_t retrysched_delay(retrysched const *r, uint32_t attempts)
{
  if (!attempts) attempts = 1;
  return r->delay[attempts - 1 < r->n ? attempts - 1 : r->n - 1];
}

uint64_t retrysched_next(retrysched const *r, uint64_t now, uint32_t attempts)
{
  return now + retrysched_delay(r, attempts);
}
