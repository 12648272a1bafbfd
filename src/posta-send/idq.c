/* idq: ring buffer of ids. See idq.h. */
#include "posta-send/idq.h"

#include <errno.h>
#include <stdlib.h>

int idq_push(idq *q, uint64_t id)
{
  if (q->n == q->a) {
    size_t a = q->a ? q->a * 2 : 16;
    if (a < q->a || a > (size_t)-1 / sizeof *q->v) { errno = ENOMEM; return -1; }
    uint64_t *v = malloc(a * sizeof *v);
    if (!v) return -1;
    for (size_t i = 0; i < q->n; i++) v[i] = q->v[(q->head + i) & (q->a - 1)];
    free(q->v);
    q->v = v;
    q->a = a;
    q->head = 0;
  }
  q->v[(q->head + q->n) & (q->a - 1)] = id;
  q->n++;
  return 0;
}

int idq_pop(idq *q, uint64_t *id)
{
  if (!q->n) return 0;
  *id = q->v[q->head];
  q->head = (q->head + 1) & (q->a - 1);
  q->n--;
  if (!q->n) q->head = 0;
  return 1;
}

void idq_free(idq *q)
{
  free(q->v);
  q->v = 0;
  q->a = q->head = q->n = 0;
}
