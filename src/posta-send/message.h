/* message: a message in memory, its records, and how it leaves the queue.
 *
 * A message is loaded (info, local, remote records; whether a bounce or a
 * delay record exists, and the recipients a bounce record holds that are
 * still pending are marked B: bouncerun_reconcile) when it is due, and freed
 * as soon as nothing of it is in flight.
 * Records are rewritten whole through ctx->replace (durable_replace: the
 * fsync rule); the changes of one message that arrive together are one
 * write per record, made by message_flush_all at the end of a turn of the loop.
 * A message whose every recipient is D or B and that has no bounce or
 * delay record is finished: info is removed first (state 6), then posta-clean
 * is asked to remove mess (its sync makes info's removal durable before mess
 * goes), then, on its answer, the local and remote records.
 * Never exits; failures are logged and leave the disk in an older, still
 * consistent state. */
#ifndef POSTA_SEND_MESSAGE_H
#define POSTA_SEND_MESSAGE_H

#include <stdint.h>

#include "posta-send/send.h"
#include "posta-send/wbatch.h"

msg *message_new(uint64_t id);
void message_free(msg *);
/* Loads a known message: 0, or -1 with errno (ENOENT: no info record, the
 * message is gone; EPROTO: a record is unreadable). */
int message_load(send_ctx *, uint64_t id, msg **out);
/* Writes rc[chan] into a batch (or removes its file when it has no
 * recipient): durable at the batch's commit. 0 / -1 (logged). */
int message_put_rcpts(send_ctx *, wbatch *, msg *, int chan);
int message_put_info(send_ctx *, wbatch *, msg *);
/* The list of messages in memory. */
void message_attach(send_ctx *, msg *);
void message_detach(send_ctx *, msg *);
/* Frees a message that is parked or finished: detached and freed. A fast
 * message is spilled first; when that fails, it only leaves memory: its
 * queued turn finds no info record and forgets it, and todo/'s next reading
 * preprocesses it anew. */
void message_unload(send_ctx *, msg *);
/* A fast message (one local recipient, delivered straight from todo with
 * no record written: preproc.c) that has to stay in the queue: writes its
 * local and info records as preprocessing would have (state 3, its
 * recipient's state as it is now) and asks posta-clean to remove todo.
 * 0 (or not fast), or -1 (logged). After -1 the message is still fast if
 * no info record was put in place; once info is there it is not fast any
 * more, whatever the fsync that follows did. */
int message_spill(send_ctx *, msg *);
/* Queues a message for message_flush_all. */
void message_mark(send_ctx *, msg *);
/* Every recipient D or B, nothing in flight, no bounce or delay record to
 * send. */
int message_finished(msg const *);
/* Takes a finished message out of the queue, alone; 0, or -1 (logged: it
 * stays). */
int message_finish(send_ctx *, msg *);
/* Writes what changed in every marked message, records failures in bounce
 * records, finishes what is finished, and hands the rest to the scheduler. */
void message_flush_all(send_ctx *);

#endif
