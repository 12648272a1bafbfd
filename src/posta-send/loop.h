/* loop: posta-send's main loop.
 *
 * Each turn: wait (poll) for a signal, the trigger, a spawner's response,
 * posta-clean, or the next due time; then apply results, write what changed
 * (one write per record per message), preprocess a bounded batch of new
 * messages, take a bounded batch of due messages, and do a little recovery.
 * New messages are preprocessed and tried at once, ahead of the index, so a
 * deferred queue of any size does not delay them. Returns the exit code once
 * stopping is over (SIGTERM: 0; a helper gone or no memory: 111). */
#ifndef POSTA_SEND_LOOP_H
#define POSTA_SEND_LOOP_H

#include "posta-send/send.h"

#define PREPROC_BATCH 64        /* new messages per turn */
#define INFOSCAN_BATCH 2048     /* names of the start scan per turn */
#define TODO_RESCAN 60          /* seconds: todo/ is read again even without a trigger */

int loop_run(send_ctx *);

#endif
