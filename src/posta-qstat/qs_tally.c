/* qs_tally: counting records. See qs.h. Pure: no I/O. */
#include "posta-qstat/qs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/rec.h"

int qs_tally_info(qs_tally *t, char const *buf, size_t len)
{
  rec r;
  char const *f;
  int h = 0, x = 0;
  if (rec_parse(&r, buf, len, "info", 1) < 0) return -1;
  while ((f = rec_next(&r, 0))) {
    if (f[0] == 'h') h = !strcmp(f + 1, "1");
    if (f[0] == 'x') x = !strcmp(f + 1, "1");
  }
  t->held += h;
  t->removing += x;
  return 0;
}

static qs_dom *domain(qs_tally *t, char const *addr)
{
  char const *at = strrchr(addr, '@');
  char name[QS_DOMAIN_LEN];
  size_t n = 0;
  for (char const *s = at ? at + 1 : ""; *s && n < sizeof name - 1; s++)
    name[n++] = *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s;
  name[n] = 0;
  for (size_t i = 0; i < t->ndoms; i++)
    if (!strcmp(t->doms[i].name, name)) return &t->doms[i];
  if (t->ndoms == QS_DOMAINS_MAX) return 0;
  if (t->ndoms == t->adoms) {
    size_t a = t->adoms ? t->adoms * 2 : 16;
    qs_dom *v = realloc(t->doms, a * sizeof *v);
    if (!v) return 0;
    t->doms = v;
    t->adoms = a;
  }
  qs_dom *d = &t->doms[t->ndoms++];
  memcpy(d->name, name, n + 1);
  d->n = 0;
  d->next = UINT64_MAX;
  d->e[0] = 0;
  return d;
}

/* One recipient's fields, as they came. */
typedef struct one_s one;
struct one_s {
  char const *A, *S, *w, *e;
};

static int count(qs_tally *t, int remote, one const *c)
{
  static char const states[] = "PDB";
  char const *p = c->S[0] && !c->S[1] ? strchr(states, c->S[0]) : 0;
  uint64_t w = 0;
  if (!p || rec_num(c->w, &w) < 0) { errno = EPROTO; return -1; }
  t->rc[remote][p - states]++;
  if (*p != 'P') return 0;
  if (w < t->next) t->next = w;
  if (!remote) return 0;
  qs_dom *d = domain(t, c->A);
  if (!d) {
    if (t->ndoms < QS_DOMAINS_MAX) return -1;   /* no memory */
    t->others++;
    return 0;
  }
  d->n++;
  if (w < d->next) d->next = w;
  if (c->e[0]) {
    size_t n = strlen(c->e);
    if (n >= sizeof d->e) n = sizeof d->e - 1;
    memcpy(d->e, c->e, n);
    d->e[n] = 0;
  }
  return 0;
}

int qs_tally_rcpts(qs_tally *t, int remote, char const *buf, size_t len)
{
  rec r;
  char const *f;
  one c = { 0, "", "0", "" };
  if (rec_parse(&r, buf, len, "rcpt", 1) < 0) return -1;
  while ((f = rec_next(&r, 0))) {
    if (f[0] == 'A') {
      if (c.A && count(t, remote, &c) < 0) return -1;
      c = (one){ f + 1, "", "0", "" };
    } else if (f[0] == 'S') c.S = f + 1;
    else if (f[0] == 'w') c.w = f + 1;
    else if (f[0] == 'e') c.e = f + 1;
  }
  return c.A ? count(t, remote, &c) : 0;
}

static int most_first(void const *a, void const *b)
{
  qs_dom const *x = a, *y = b;
  if (x->n != y->n) return x->n > y->n ? -1 : 1;
  return strcmp(x->name, y->name);
}

void qs_tally_sort(qs_tally *t)
{
  if (t->ndoms) qsort(t->doms, t->ndoms, sizeof *t->doms, most_first);
}

void qs_tally_free(qs_tally *t)
{
  free(t->doms);
  t->doms = 0;
  t->ndoms = t->adoms = 0;
}
