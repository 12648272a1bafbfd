/* imptab: the mailboxes of one import or export, sorted by address so
 * that a file of 100000 lines is checked for repeats and merged with
 * users/assign, mailboxes/.virtual and mailboxes/.passwd in n log n, not
 * n squared. The strings live in one stralloc; entries hold offsets. Never
 * exits: allocation failures return -1 (errno ENOMEM). See user.h. */
#include "posta-user/user.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <skalibs/stralloc.h>

int imptab_add(imptab *t, char const *addr, size_t at, char const *hash, unsigned line)
{
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 1024;
    impent *e = realloc(t->e, cap * sizeof *e);
    if (!e) return -1;
    t->e = e;
    t->cap = cap;
  }
  impent *e = t->e + t->n;
  e->addr = t->pool.len;
  e->at = at;
  e->line = line;
  e->seen = 0;
  e->hash = 0;
  if (!stralloc_catb(&t->pool, addr, strlen(addr) + 1)) return -1;
  if (hash && *hash) {
    e->hash = t->pool.len;
    if (!stralloc_catb(&t->pool, hash, strlen(hash) + 1)) return -1;
  }
  t->n++;
  return 0;
}

int imptab_sethash(imptab *t, impent *e, char const *hash, size_t n)
{
  size_t off = t->pool.len;
  if (!stralloc_catb(&t->pool, hash, n) || !stralloc_0(&t->pool)) return -1;
  e->hash = off;
  return 0;
}

/* by address, then by line: a repeated address's first line sorts first */
static int cmp(void const *a, void const *b, void *base)
{
  char const *s = base;
  impent const *x = a, *y = b;
  int r = strcmp(s + x->addr, s + y->addr);
  return r ? r : (x->line > y->line) - (x->line < y->line);
}

void imptab_sort(imptab *t)
{
  if (t->n) qsort_r(t->e, t->n, sizeof *t->e, &cmp, t->pool.s);
}

unsigned imptab_repeat(imptab const *t, unsigned *first)
{
  unsigned worst = 0;
  for (size_t i = 1; i < t->n; i++)
    if (!strcmp(imptab_addr(t, t->e + i - 1), imptab_addr(t, t->e + i))
        && (!worst || t->e[i].line < worst)) {
      worst = t->e[i].line;
      *first = t->e[i - 1].line;
    }
  return worst;
}

impent *imptab_find(imptab const *t, char const *addr, size_t n)
{
  size_t lo = 0, hi = t->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    char const *s = imptab_addr(t, t->e + mid);
    size_t k = strlen(s);
    int r = memcmp(s, addr, k < n ? k : n);
    if (!r) r = (k > n) - (k < n);
    if (!r) return t->e + mid;
    if (r < 0) lo = mid + 1;
    else hi = mid;
  }
  return 0;
}

char const *imptab_addr(imptab const *t, impent const *e)
{
  return t->pool.s + e->addr;
}

char const *imptab_hash(imptab const *t, impent const *e)
{
  return e->hash ? t->pool.s + e->hash : "";
}

void imptab_free(imptab *t)
{
  stralloc_free(&t->pool);
  free(t->e);
  t->e = 0;
  t->n = t->cap = 0;
}

void imptab_unique(imptab *t)
{
  size_t k = 0;
  for (size_t i = 0; i < t->n; i++)
    if (!k || strcmp(imptab_addr(t, t->e + k - 1), imptab_addr(t, t->e + i))) t->e[k++] = t->e[i];
  t->n = k;
}
