/* qcmd: operators' requests in queue/cmd/ (src/common/cmdrec.h): hold,
 * release, remove, flush.
 *
 * posta-send is the only writer of a message's info record, so the tools
 * (posta-qhold, posta-qrm, posta-qflush) leave a request and write
 * CMDREC_BYTE to the trigger; posta-send reads queue/cmd/ then (and at
 * start, and with every rescan of todo/), sets the info record's h or x
 * flag durably, logs it, and removes the request durably. A message in
 * memory gets the flag in memory too, so that no later write of its info
 * loses it. A request for a message not yet preprocessed waits for it
 * (ctx->cmd_wait, applied by qcmd_new); one for a message that is not in
 * the queue, or older than the message that has its id now, is dropped
 * with a warning. The removal itself is msgrm's. Never exits; a request
 * that cannot be applied now stays and is tried again. */
#ifndef POSTA_SEND_QCMD_H
#define POSTA_SEND_QCMD_H

#include "posta-send/send.h"

#define QCMD_BATCH 1024         /* requests read per turn of the loop */

/* Reads and applies the requests when ctx->cmd_again is set. */
void qcmd_step(send_ctx *);
/* A message just preprocessed, attached, not yet evaluated: applies the
 * request that waited for it, if any. */
void qcmd_new(send_ctx *, msg *);

#endif
