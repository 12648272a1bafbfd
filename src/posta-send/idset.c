/* idset: a hash set of ids. See idset.h.
 * Deletion shifts the following entries back (no tombstones), so lookups
 * stay short however many messages come and go. */
#include "posta-send/idset.h"

#include <errno.h>
#include <stdlib.h>

static size_t slot_of(uint64_t id, size_t a)
{
  uint64_t h = id * 0x9e3779b97f4a7c15ULL;
  return (size_t)(h >> 17) & (a - 1);
}

int idset_has(idset const *s, uint64_t id)
{
  if (!s->a) return 0;
  for (size_t i = slot_of(id, s->a);; i = (i + 1) & (s->a - 1)) {
    if (!s->v[i]) return 0;
    if (s->v[i] == id + 1) return 1;
  }
}

static void put(uint64_t *v, size_t a, uint64_t key)
{
  size_t i = slot_of(key - 1, a);
  while (v[i]) i = (i + 1) & (a - 1);
  v[i] = key;
}

static int grow(idset *s)
{
  size_t a = s->a ? s->a * 2 : 64;
  if (a < s->a || a > (size_t)-1 / sizeof *s->v) { errno = ENOMEM; return -1; }
  uint64_t *v = calloc(a, sizeof *v);
  if (!v) return -1;
  for (size_t i = 0; i < s->a; i++) if (s->v[i]) put(v, a, s->v[i]);
  free(s->v);
  s->v = v;
  s->a = a;
  return 0;
}

int idset_add(idset *s, uint64_t id)
{
  /* id + 1 marks a used slot: the one id that cannot be stored is
   * UINT64_MAX, which no inode number reaches */
  if (id == UINT64_MAX) { errno = EINVAL; return -1; }
  if (idset_has(s, id)) return 0;
  if ((s->n + 1) * 2 > s->a && grow(s) < 0) return -1;
  put(s->v, s->a, id + 1);
  s->n++;
  return 1;
}

int idset_del(idset *s, uint64_t id)
{
  size_t m, i, j;
  if (!s->a) return 0;
  m = s->a - 1;
  for (i = slot_of(id, s->a);; i = (i + 1) & m) {
    if (!s->v[i]) return 0;
    if (s->v[i] == id + 1) break;
  }
  s->v[i] = 0;
  /* move back every entry of the run after i that would become unreachable */
  for (j = (i + 1) & m; s->v[j]; j = (j + 1) & m) {
    size_t k = slot_of(s->v[j] - 1, s->a);
    /* the entry at j may stay when its home k lies cyclically in (i, j] */
    if (i <= j ? (i < k && k <= j) : (i < k || k <= j)) continue;
    s->v[i] = s->v[j];
    s->v[j] = 0;
    i = j;
  }
  s->n--;
  return 1;
}

void idset_free(idset *s)
{
  free(s->v);
  s->v = 0;
  s->a = s->n = 0;
}
