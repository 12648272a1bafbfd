/* inject_rcpt: recipients and the envelope. See inject_rcpt.h. Duplicates
 * are found by sorting, so that 100000 recipients cost n log n. */
#include "sk/inject_rcpt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/envelope.h"

size_t inject_rcpt_count(char const *list, size_t len)
{
  size_t n = 0;
  for (size_t i = 0; i < len; i++) n += !list[i];
  return n;
}

int inject_rcpt_add(inject_hosts const *h, char const *list, size_t len, stralloc *out, char const **bad)
{
  size_t old = out->len;
  for (size_t i = 0; i < len; i += strlen(list + i) + 1) {
    size_t start = out->len, n = strlen(list + i);
    *bad = list + i;
    if (inject_host_fix(h, list + i, n, out) < 0) goto fail;
    if (out->len == start || !envelope_addr_ok(out->s + start, out->len - start)) {
      errno = EINVAL;
      goto fail;
    }
    if (!stralloc_0(out)) goto fail;
  }
  return 0;
fail:
  out->len = old;
  return -1;
}

typedef struct item_s item;
struct item_s {
  size_t off;   /* where the address starts */
  size_t num;   /* its place in the list */
};

static int cmp(void const *a, void const *b, void *base)
{
  item const *x = a, *y = b;
  int r = strcmp((char const *)base + x->off, (char const *)base + y->off);
  return r ? r : x->num < y->num ? -1 : x->num > y->num;
}

int inject_rcpt_dedupe(stralloc *list)
{
  size_t n = inject_rcpt_count(list->s, list->len), k = 0, w = 0;
  if (n < 2) return 0;
  item *it = malloc(n * sizeof *it);
  char *drop = calloc(n, 1);
  if (!it || !drop) {
    free(it);
    free(drop);
    errno = ENOMEM;
    return -1;
  }
  for (size_t i = 0; i < list->len; i += strlen(list->s + i) + 1, k++) {
    it[k].off = i;
    it[k].num = k;
  }
  qsort_r(it, n, sizeof *it, cmp, list->s);
  for (size_t i = 1; i < n; i++)
    if (!strcmp(list->s + it[i].off, list->s + it[i - 1].off)) drop[it[i].num] = 1;
  k = 0;
  for (size_t i = 0; i < list->len; k++) {
    size_t l = strlen(list->s + i) + 1;
    if (!drop[k]) {
      memmove(list->s + w, list->s + i, l);
      w += l;
    }
    i += l;
  }
  list->len = w;
  free(it);
  free(drop);
  return 0;
}

int inject_rcpt_envelope(stralloc *env, char const *sender, char const *rcpts, size_t len)
{
  size_t old = env->len;
  if (!stralloc_append(env, 'F') || !stralloc_cats(env, sender) || !stralloc_0(env)) goto fail;
  for (size_t i = 0; i < len; i += strlen(rcpts + i) + 1)
    if (!stralloc_append(env, 'T') || !stralloc_cats(env, rcpts + i) || !stralloc_0(env)) goto fail;
  if (!stralloc_0(env)) goto fail;
  return 0;
fail:
  env->len = old;
  return -1;
}
