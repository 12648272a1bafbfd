/* sched: what to do with a message now, and which message is next.
 *
 * sched_evaluate looks at a message in memory: it asks for its delay
 * notice when that is due (delaywarn.h), starts posta-bounce when its
 * bounce or delay record is due, or else the deliveries that are due and allowed
 * (local: one recipient a delivery; remote: the recipients of one domain
 * together, at most SPAWN_RCPT_MAX), within the channel's and the
 * destination's (remote) or the mailbox's (local) limits. A message with nothing in flight is then parked and
 * freed: on the waiting list of the first full gate it met, else in the
 * index at its next due time. sched_step takes due messages (released
 * waiters first, then the index) in bounded batches. Never exits. */
#ifndef POSTA_SEND_SCHED_H
#define POSTA_SEND_SCHED_H

#include <stdint.h>

#include "posta-send/send.h"

#define SCHED_BATCH 256       /* messages looked at in one turn of the loop */

void sched_evaluate(send_ctx *, msg *);
/* Puts a message with nothing in flight back in the index, then frees it. */
void sched_park(send_ctx *, msg *, uint64_t due);
void sched_step(send_ctx *);
/* Moves up to n waiters to the ready list. */
void sched_release(send_ctx *, idq *waiters, size_t n);
/* A destination closed: its waiters go to the index at its reopening. */
void sched_dest_closed(send_ctx *, dest *);
/* After a delivery or a bounce ended: wakes the waiters a gate can take. */
void sched_gate_freed(send_ctx *, gate *);
void sched_dest_freed(send_ctx *, dest *);
/* After a local delivery to mailbox box ended (control/concurrencymailbox). */
void sched_box_freed(send_ctx *, dest *box);
/* SIGALRM: every message due now, every destination open. */
void sched_force_all(send_ctx *);
/* When the loop must wake up for the index: 0 now, UINT64_MAX never. */
uint64_t sched_next_wakeup(send_ctx const *);
/* Out of memory for the index: stop (exit 111), the disk is consistent. */
void sched_nomem(send_ctx *);
/* Starts stopping: no new work; exit with code once nothing is in flight. */
void sched_stop(send_ctx *, int code);
/* todo/ is read again now (or once the scan under way is over). */
void sched_todo_rescan(send_ctx *);

#endif
