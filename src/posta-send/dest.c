/* dest: per-domain retry state. See dest.h. */
#include "posta-send/dest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

char const *dest_domain(char const *addr, size_t *len)
{
  char const *at = strrchr(addr, '@');
  char const *d = at ? at + 1 : addr + strlen(addr);
  *len = strlen(d);
  return d;
}

size_t dest_mailbox(char const *addr, char *buf, size_t size)
{
  size_t dl, n = 0;
  char const *at = strrchr(addr, '@');
  char const *d = dest_domain(addr, &dl);
  size_t ll = at ? (size_t)(at - addr) : strlen(addr);
  char const *dash = memchr(addr, '-', ll);
  if (dash) ll = (size_t)(dash - addr);
  size_t max = size - 1 < DEST_NAME_MAX ? size - 1 : DEST_NAME_MAX;
  for (size_t i = 0; i < ll && n < max; i++) buf[n++] = addr[i];
  if (n < max) buf[n++] = '@';
  for (size_t i = 0; i < dl && n < max; i++) buf[n++] = d[i];
  buf[n] = 0;
  return n;
}

static size_t hash(char const *s, size_t len)
{
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z') c += 32;
    h = (h ^ c) * 1099511628211ULL;
  }
  return (size_t)(h ^ (h >> 29));
}

static int same(dest const *d, char const *name, size_t len)
{
  if (strlen(d->name) != len) return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char a = (unsigned char)d->name[i], b = (unsigned char)name[i];
    if (b >= 'A' && b <= 'Z') b += 32;
    if (a != b) return 0;
  }
  return 1;
}

dest *dest_find(desttab const *t, char const *name, size_t len)
{
  if (!t->nb) return 0;
  for (dest *d = t->b[hash(name, len) & (t->nb - 1)]; d; d = d->next)
    if (same(d, name, len)) return d;
  return 0;
}

static int grow(desttab *t)
{
  size_t nb = t->nb ? t->nb * 2 : 64;
  dest **b = calloc(nb, sizeof *b);
  if (!b) return -1;
  for (size_t i = 0; i < t->nb; i++) {
    dest *d = t->b[i];
    while (d) {
      dest *next = d->next;
      size_t k = hash(d->name, strlen(d->name)) & (nb - 1);
      d->next = b[k];
      b[k] = d;
      d = next;
    }
  }
  free(t->b);
  t->b = b;
  t->nb = nb;
  return 0;
}

dest *dest_get(desttab *t, char const *name, size_t len)
{
  dest *d = dest_find(t, name, len);
  if (d) return d;
  if (len > DEST_NAME_MAX) len = DEST_NAME_MAX;
  if (t->n >= t->nb && grow(t) < 0) return 0;
  d = calloc(1, sizeof *d + len + 1);
  if (!d) return 0;
  for (size_t i = 0; i < len; i++) {
    char c = name[i];
    d->name[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
  }
  size_t k = hash(d->name, len) & (t->nb - 1);
  d->next = t->b[k];
  t->b[k] = d;
  t->n++;
  return d;
}

unsigned dest_limit(dest const *d, unsigned conf)
{
  return d->fails ? 1 : conf;
}

uint64_t dest_blocked(dest const *d, unsigned conf, uint64_t now, int forced)
{
  if (!forced && d->next_try > now) return d->next_try;
  if (d->inflight >= dest_limit(d, conf)) return 1;
  return 0;
}

/* "Z4.2.2 mta text": the enhanced status's class digit after "4." */
static int about_recipient(char const *r)
{
  return r[1] && r[2] == '.' && (r[3] == '1' || r[3] == '2') && r[4] == '.';
}

enum dest_verdict dest_verdict(char const *const *results, size_t n)
{
  enum dest_verdict v = DEST_DOWN;
  if (!n) return DEST_NEUTRAL;
  for (size_t i = 0; i < n; i++) {
    char c = results[i][0];
    if (c == 'K' || c == 'D') return DEST_ALIVE;
    if (about_recipient(results[i])) v = DEST_NEUTRAL;
  }
  return v;
}

void dest_record(dest *d, enum dest_verdict v, uint64_t now, retrysched const *r)
{
  if (v == DEST_ALIVE) {
    d->fails = 0;
    d->next_try = 0;
  } else if (v == DEST_DOWN && d->next_try <= now) {
    /* one failure per closing: the other deliveries that were in flight
     * when it closed fail for the same reason and count no more */
    if (d->fails < UINT32_MAX) d->fails++;
    d->next_try = retrysched_next(r, now, d->fails);
  }
}

static int useless(dest const *d, uint64_t now)
{
  if (d->inflight || d->waiters.n) return 0;
  return !d->fails || d->next_try + 86400 < now;
}

void dest_sweep(desttab *t, uint64_t now)
{
  for (size_t i = 0; i < t->nb; i++) {
    dest **p = &t->b[i];
    while (*p) {
      dest *d = *p;
      if (useless(d, now)) {
        *p = d->next;
        idq_free(&d->waiters);
        free(d);
        t->n--;
      } else p = &d->next;
    }
  }
}

void dest_reopen_all(desttab *t)
{
  for (size_t i = 0; i < t->nb; i++)
    for (dest *d = t->b[i]; d; d = d->next) d->next_try = 0;
}

void dest_free_all(desttab *t)
{
  for (size_t i = 0; i < t->nb; i++) {
    dest *d = t->b[i];
    while (d) {
      dest *next = d->next;
      idq_free(&d->waiters);
      free(d);
      d = next;
    }
  }
  free(t->b);
  t->b = 0;
  t->nb = t->n = 0;
}
