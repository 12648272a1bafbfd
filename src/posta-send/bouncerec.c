/* bouncerec: the bounce record. See bouncerec.h. */
#include "posta-send/bouncerec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* F, t and k first, in that order; then A and e pairs, at least one. */
int bouncerec_parse(bouncerec *out, char const *buf, size_t len)
{
  rec r;
  char const *f, *g;
  bouncerec b = BOUNCEREC_ZERO;
  char const *sender;
  if (rec_parse(&r, buf, len, BOUNCEREC_KIND, BOUNCEREC_VERSION) < 0) return -1;
  f = rec_next(&r, 0);
  if (!f || f[0] != 'F') goto bad;
  sender = f + 1;
  f = rec_next(&r, 0);
  if (!f || f[0] != 't' || rec_num(f + 1, &b.t) < 0) goto bad;
  f = rec_next(&r, 0);
  if (!f || f[0] != 'k' || !f[1] || f[2]) goto bad;
  b.kind = f[1];
  while ((f = rec_next(&r, 0))) {
    g = rec_next(&r, 0);
    if (f[0] != 'A' || !f[1] || !g || g[0] != 'e') goto bad;
    if (rcptrec_add(&b.failed, f + 1, RCPT_BOUNCED, 0, 0, g + 1) < 0) goto nomem;
  }
  if (!b.failed.n) goto bad;
  b.sender = strdup(sender);
  if (!b.sender) goto nomem;
  bouncerec_free(out);
  *out = b;
  return 0;
bad:
  rcptrec_free(&b.failed);
  errno = EPROTO;
  return -1;
nomem:
  rcptrec_free(&b.failed);
  errno = ENOMEM;
  return -1;
}

int bouncerec_build(rec_buf *out, bouncerec const *b)
{
  char k[2] = { b->kind, 0 };
  rec_start(out, b->kind == BOUNCE_DELAY ? DELAYREC_KIND : BOUNCEREC_KIND, BOUNCEREC_VERSION);
  rec_add(out, 'F', b->sender);
  rec_addu(out, 't', b->t);
  rec_add(out, 'k', k);
  for (size_t i = 0; i < b->failed.n; i++) {
    rec_add(out, 'A', b->failed.v[i].addr);
    rec_add(out, 'e', b->failed.v[i].e);
  }
  return rec_finish(out);
}

void bouncerec_free(bouncerec *b)
{
  free(b->sender);
  b->sender = 0;
  rcptrec_free(&b->failed);
}
