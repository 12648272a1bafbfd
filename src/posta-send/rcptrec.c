/* rcptrec: recipients records. See rcptrec.h. */
#include "posta-send/rcptrec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int rcptrec_add(rcptlist *l, char const *addr, char state, uint32_t n, uint64_t w, char const *e)
{
  if (l->n == l->a) {
    size_t a = l->a ? l->a * 2 : 8;
    if (a > (size_t)-1 / sizeof *l->v) { errno = ENOMEM; return -1; }
    rcpt *v = realloc(l->v, a * sizeof *v);
    if (!v) return -1;
    l->v = v;
    l->a = a;
  }
  rcpt *r = &l->v[l->n];
  memset(r, 0, sizeof *r);
  r->addr = strdup(addr);
  r->e = strdup(e ? e : "");
  if (!r->addr || !r->e) {
    free(r->addr);
    free(r->e);
    errno = ENOMEM;
    return -1;
  }
  r->state = state;
  r->n = n;
  r->w = w;
  l->n++;
  return 0;
}

int rcptrec_set_result(rcpt *r, char const *line)
{
  char *e = strdup(line);
  if (!e) return -1;
  free(r->e);
  r->e = e;
  return 0;
}

void rcptrec_free(rcptlist *l)
{
  for (size_t i = 0; i < l->n; i++) {
    free(l->v[i].addr);
    free(l->v[i].e);
  }
  free(l->v);
  l->v = 0;
  l->n = l->a = 0;
}

size_t rcptrec_pending(rcptlist const *l)
{
  size_t k = 0;
  for (size_t i = 0; i < l->n; i++) k += l->v[i].state == RCPT_PENDING;
  return k;
}

/* The five fields of one recipient, tags in order "ASnwe". */
static int one(rcptlist *l, rec *r, char const *first)
{
  char const *f[5];
  uint64_t n, w;
  f[0] = first;
  for (int i = 1; i < 5; i++) {
    f[i] = rec_next(r, 0);
    if (!f[i] || f[i][0] != "ASnwe"[i]) return -1;
  }
  if (!f[0][1]) return -1;
  if (f[1][1] != RCPT_PENDING && f[1][1] != RCPT_DONE && f[1][1] != RCPT_BOUNCED) return -1;
  if (f[1][2]) return -1;
  if (rec_num_strict(f[2] + 1, &n) < 0 || n > UINT32_MAX || rec_num_strict(f[3] + 1, &w) < 0) return -1;
  if (rcptrec_add(l, f[0] + 1, f[1][1], (uint32_t)n, w, f[4] + 1) < 0) return -2;
  return 0;
}

int rcptrec_parse(rcptlist *l, char const *buf, size_t len)
{
  rec r;
  char const *f;
  rcptlist t = RCPTLIST_ZERO;
  if (rec_parse(&r, buf, len, RCPTREC_KIND, RCPTREC_VERSION) < 0) return -1;
  while ((f = rec_next(&r, 0))) {
    int e = f[0] == 'A' ? one(&t, &r, f) : -1;
    if (e < 0) {
      rcptrec_free(&t);
      errno = e == -2 ? ENOMEM : EPROTO;
      return -1;
    }
  }
  if (!t.n) { errno = EPROTO; return -1; }
  rcptrec_free(l);
  *l = t;
  return 0;
}

int rcptrec_build(rec_buf *b, rcptlist const *l)
{
  char st[2] = { 0, 0 };
  rec_start(b, RCPTREC_KIND, RCPTREC_VERSION);
  for (size_t i = 0; i < l->n; i++) {
    rcpt const *r = &l->v[i];
    st[0] = r->state;
    rec_add(b, 'A', r->addr);
    rec_add(b, 'S', st);
    rec_addu(b, 'n', r->n);
    rec_addu(b, 'w', r->w);
    rec_add(b, 'e', r->e);
  }
  return rec_finish(b);
}
