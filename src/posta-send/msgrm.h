/* msgrm: taking a message out of the queue for posta-qrm (info's x flag).
 *
 * Runs only when nothing of the message is in flight (no delivery, no
 * posta-bounce): its bounce and delay records are removed durably first
 * (no notice is sent for a removed message), then its info record, which
 * is the record that the message is done (doc/queue.md, state 6); then
 * posta-clean removes its todo and mess files and posta-send its local and
 * remote records, as for any finished message. Logs `end msg ID`. Never
 * exits; a failure parks the message, which is tried again later (its x
 * flag is durable). */
#ifndef POSTA_SEND_MSGRM_H
#define POSTA_SEND_MSGRM_H

#include "posta-send/send.h"

/* m is in memory with nothing in flight; it is freed (or parked). */
void msgrm_run(send_ctx *, msg *m);

#endif
