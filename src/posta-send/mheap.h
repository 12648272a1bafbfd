/* mheap: the compact index of deferred messages, ordered by due time.
 *
 * A binary min-heap of 16-byte entries: message id, the time (seconds since
 * the epoch) before which nothing of it is due, and flags. Every message
 * posta-send knows but is not working on sits here, in a channel's waiting
 * list, or in the ready list; only its id and time are in memory.
 * libc only; mheap_push returns -1 (ENOMEM) and changes nothing when it
 * cannot grow. */
#ifndef POSTA_SEND_MHEAP_H
#define POSTA_SEND_MHEAP_H

#include <stddef.h>
#include <stdint.h>

#define MHEAP_FORCED 1u   /* SIGALRM: try every pending recipient now */

typedef struct mheap_entry_s mheap_entry;
struct mheap_entry_s {
  uint64_t id;
  uint32_t due;     /* seconds since the epoch, until 2106 */
  uint32_t flags;
};

typedef struct mheap_s mheap;
struct mheap_s {
  mheap_entry *v;
  size_t n;
  size_t a;
};
#define MHEAP_ZERO { 0, 0, 0 }

int mheap_push(mheap *, uint64_t id, uint64_t due, uint32_t flags);
/* The entry due first, or 0 when empty; it stays in the heap. */
mheap_entry const *mheap_top(mheap const *);
/* 1 and the entry due first, removed; 0 when empty. */
int mheap_pop(mheap *, mheap_entry *);
/* Makes every entry due at `due` with `flags` added (SIGALRM). */
void mheap_all_due(mheap *, uint64_t due, uint32_t flags);
/* Makes the entry of id due no later than `due`, with `flags` added: 1,
 * or 0 when id is not in the heap. O(n): for an operator's request. */
int mheap_raise(mheap *, uint64_t id, uint64_t due, uint32_t flags);
void mheap_free(mheap *);

#endif
