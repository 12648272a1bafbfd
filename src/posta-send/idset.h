/* idset: the set of message ids posta-send knows about.
 *
 * Open addressing with linear probing over uint64_t keys; the table doubles
 * when it is half full, so it holds between 16 and 32 bytes per id. It lets
 * the scanners skip a message that is already scheduled, so that no message
 * is ever scheduled twice. libc only; idset_add returns -1 (ENOMEM) without
 * changing the set when it cannot grow. */
#ifndef POSTA_SEND_IDSET_H
#define POSTA_SEND_IDSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct idset_s idset;
struct idset_s {
  uint64_t *v;     /* slots; a slot holds id + 1, 0 is empty */
  size_t a;        /* slots, 0 or a power of two */
  size_t n;        /* ids held */
};
#define IDSET_ZERO { 0, 0, 0 }

int idset_has(idset const *, uint64_t id);
/* 1 added, 0 already there, -1 no memory. */
int idset_add(idset *, uint64_t id);
/* 1 removed, 0 was not there. */
int idset_del(idset *, uint64_t id);
void idset_free(idset *);

#endif
