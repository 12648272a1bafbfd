/* schedq: the scheduler's queues, and which message is next.
 *
 * The index (mheap: every message not in memory, by due time), the ready
 * list (waiters a gate released), the gates' waiting lists, and stopping.
 * schedq_step takes due messages (released waiters first, then the index)
 * in bounded batches and hands each to sched_evaluate (sched.h); a message
 * with nothing in flight comes back through schedq_park. Never exits. */
#ifndef POSTA_SEND_SCHEDQ_H
#define POSTA_SEND_SCHEDQ_H

#include <stddef.h>
#include <stdint.h>

#include "posta-send/send.h"

#define SCHED_BATCH 256       /* messages looked at in one turn of the loop */

/* Puts a message with nothing in flight back in the index, then frees it. */
void schedq_park(send_ctx *, msg *, uint64_t due);
void schedq_step(send_ctx *);
/* Moves up to n waiters to the ready list. */
void schedq_release(send_ctx *, idq *waiters, size_t n);
/* A destination closed: its waiters go to the index at its reopening. */
void schedq_dest_closed(send_ctx *, dest *);
/* After a delivery or a bounce ended: wakes the waiters a gate can take. */
void schedq_gate_freed(send_ctx *, gate *);
void schedq_dest_freed(send_ctx *, dest *);
/* After a local delivery to mailbox box ended (control/concurrencymailbox). */
void schedq_box_freed(send_ctx *, dest *box);
/* SIGALRM: every message due now, every destination open. */
void schedq_force_all(send_ctx *);
/* When the loop must wake up for the index: 0 now, UINT64_MAX never. */
uint64_t schedq_next_wakeup(send_ctx const *);
/* Out of memory for the index: stop (exit 111), the disk is consistent. */
void schedq_nomem(send_ctx *);
/* Starts stopping: no new work; exit with code once nothing is in flight. */
void schedq_stop(send_ctx *, int code);
/* todo/ is read again now (or once the scan under way is over). */
void schedq_todo_rescan(send_ctx *);

#endif
