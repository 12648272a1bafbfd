/* bouncerun: failure records and posta-bounce.
 *
 * bounce_put adds a message's new failures to queue/bounce/N/ID
 * (rewritten whole, durably) and only then bounce_recorded marks those
 * recipients B.
 * bounce_start runs DIR/bin/posta-bounce ID as posta-send's own uid, with
 * the home as working directory, stdin /dev/null and stdout on the log.
 * When it exits 0 the notification is in the queue and the record is
 * removed; any other end (111, a crash, a missing program) is logged and
 * tried again after the first step of control/retryschedule. A record is
 * never dropped. Never exits. */
#ifndef POSTA_SEND_BOUNCERUN_H
#define POSTA_SEND_BOUNCERUN_H

#include <sys/types.h>

#include "posta-send/send.h"
#include "posta-send/wbatch.h"

#define BOUNCE_PROGRAM "bin/posta-bounce"

/* Puts the message's bounce record, with its new failures added, into a
 * write batch: 0, or -1 (logged; the failures stay in memory, the
 * recipients P). Once the batch is committed, bounce_recorded marks them
 * B. */
int bounce_put(send_ctx *, wbatch *, msg *);
void bounce_recorded(msg *);
/* 0 started; -1 not (logged, m->bounce_due set). */
int bounce_start(send_ctx *, msg *);
/* A child ended: 1 when it was a posta-bounce, else 0. */
int bounce_reaped(send_ctx *, pid_t, int wstat);

#endif
