/* mheap: binary min-heap on due time. See mheap.h. */
#include "posta-send/mheap.h"

#include <errno.h>
#include <stdlib.h>

static int less(mheap_entry const *a, mheap_entry const *b)
{
  return a->due < b->due || (a->due == b->due && a->id < b->id);
}

static void swap(mheap_entry *a, mheap_entry *b)
{
  mheap_entry t = *a;
  *a = *b;
  *b = t;
}

static void sift_up(mheap *h, size_t i)
{
  while (i) {
    size_t p = (i - 1) / 2;
    if (!less(&h->v[i], &h->v[p])) break;
    swap(&h->v[i], &h->v[p]);
    i = p;
  }
}

static void sift_down(mheap *h, size_t i)
{
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < h->n && less(&h->v[l], &h->v[m])) m = l;
    if (l + 1 < h->n && less(&h->v[l + 1], &h->v[m])) m = l + 1;
    if (m == i) return;
    swap(&h->v[i], &h->v[m]);
    i = m;
  }
}

int mheap_push(mheap *h, uint64_t id, uint64_t due, uint32_t flags)
{
  if (h->n == h->a) {
    size_t a = h->a ? h->a * 2 : 64;
    if (a < h->a || a > (size_t)-1 / sizeof *h->v) { errno = ENOMEM; return -1; }
    mheap_entry *v = realloc(h->v, a * sizeof *v);
    if (!v) return -1;
    h->v = v;
    h->a = a;
  }
  h->v[h->n].id = id;
  h->v[h->n].due = due > UINT32_MAX ? UINT32_MAX : (uint32_t)due;
  h->v[h->n].flags = flags;
  sift_up(h, h->n++);
  return 0;
}

mheap_entry const *mheap_top(mheap const *h)
{
  return h->n ? &h->v[0] : 0;
}

int mheap_pop(mheap *h, mheap_entry *e)
{
  if (!h->n) return 0;
  *e = h->v[0];
  h->v[0] = h->v[--h->n];
  sift_down(h, 0);
  return 1;
}

void mheap_all_due(mheap *h, uint64_t due, uint32_t flags)
{
  uint32_t d = due > UINT32_MAX ? UINT32_MAX : (uint32_t)due;
  for (size_t i = 0; i < h->n; i++) {
    if (h->v[i].due > d) h->v[i].due = d;
    h->v[i].flags |= flags;
  }
  /* lowering keys can break the order: rebuild it, O(n) */
  for (size_t i = h->n / 2; i-- > 0;) sift_down(h, i);
}

int mheap_raise(mheap *h, uint64_t id, uint64_t due, uint32_t flags)
{
  uint32_t d = due > UINT32_MAX ? UINT32_MAX : (uint32_t)due;
  for (size_t i = 0; i < h->n; i++) {
    if (h->v[i].id != id) continue;
    if (h->v[i].due > d) h->v[i].due = d;
    h->v[i].flags |= flags;
    sift_up(h, i);
    return 1;
  }
  return 0;
}

void mheap_free(mheap *h)
{
  free(h->v);
  h->v = 0;
  h->n = h->a = 0;
}
