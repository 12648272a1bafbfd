/* bounce: failure records and posta-bounce.
 *
 * bounce_record adds a message's new failures to queue/bounce/N/ID
 * (rewritten whole, durably) and only then marks those recipients B.
 * bounce_start runs DIR/bin/posta-bounce ID as posta-send's own uid, with
 * the home as working directory, stdin /dev/null and stdout on the log.
 * When it exits 0 the notification is in the queue and the record is
 * removed; any other end (111, a crash, a missing program) is logged and
 * tried again after the first step of control/retryschedule. A record is
 * never dropped. Never exits. */
#ifndef POSTA_SEND_BOUNCE_H
#define POSTA_SEND_BOUNCE_H

#include <sys/types.h>

#include "posta-send/send.h"

#define BOUNCE_PROGRAM "bin/posta-bounce"

/* 0, or -1 (logged; the failures stay in memory, the recipients P). */
int bounce_record(send_ctx *, msg *);
/* 0 started; -1 not (logged, m->bounce_due set). */
int bounce_start(send_ctx *, msg *);
/* A child ended: 1 when it was a posta-bounce, else 0. */
int bounce_reaped(send_ctx *, pid_t, int wstat);

#endif
