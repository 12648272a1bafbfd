/* idq: a first-in first-out queue of message ids.
 *
 * A growable ring of uint64_t: the waiting lists of the scheduler (messages
 * held back by a full channel or destination) and the ready list. Eight
 * bytes per id. libc only; idq_push returns -1 (ENOMEM) and changes nothing
 * when it cannot grow; nothing here exits. */
#ifndef POSTA_SEND_IDQ_H
#define POSTA_SEND_IDQ_H

#include <stddef.h>
#include <stdint.h>

typedef struct idq_s idq;
struct idq_s {
  uint64_t *v;
  size_t a;      /* capacity, 0 or a power of two */
  size_t head;   /* index of the oldest id */
  size_t n;      /* ids held */
};
#define IDQ_ZERO { 0, 0, 0, 0 }

int idq_push(idq *, uint64_t id);
/* 1 and the oldest id, or 0 when empty. */
int idq_pop(idq *, uint64_t *id);
void idq_free(idq *);

#endif
