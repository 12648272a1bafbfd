/* recover: cleaning up after crashes (doc/queue.md, the recovery column).
 *
 * Runs at start and then every RECOVER_INTERVAL, a bounded number of names
 * per turn of the loop so that it never delays deliveries:
 * - a local or remote record with neither info nor todo is a leftover of a
 *   finished message (state 6): it is removed and posta-clean is asked to
 *   remove its mess file;
 * - a mess file with neither todo nor info, older than STALE_SECONDS, is an
 *   abandoned injection: posta-clean removes it;
 * - posta-clean is asked ("stale") to remove pid and intd files older than
 *   STALE_SECONDS, which posta-send cannot read.
 * Messages posta-send knows are never touched. Never exits. */
#ifndef POSTA_SEND_RECOVER_H
#define POSTA_SEND_RECOVER_H

#include "posta-send/send.h"

#define RECOVER_INTERVAL (6 * 3600)
#define RECOVER_BATCH 200

/* Does a part of the work when it is due; 1 when more remains. */
int recover_step(send_ctx *);

#endif
