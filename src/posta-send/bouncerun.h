/* bouncerun: failure records and posta-bounce.
 *
 * bouncerun_put adds a message's new failures to queue/bounce/N/ID
 * (rewritten whole, durably) and only then bouncerun_recorded marks those
 * recipients B. bouncerun_reconcile, for a message loaded with a bounce
 * record, marks B (durably) the recipients the record holds that its
 * local or remote record still has P: a crash between the two writes must
 * not fail them, and notify the sender, a second time.
 * bouncerun_start runs DIR/bin/posta-bounce ID for a failure notice, or
 * DIR/bin/posta-bounce -d ID for a delay notice (queue/delay/N/ID), as
 * posta-send's own uid, with the home as working directory, stdin
 * /dev/null and stdout on the log. When it exits 0 the notice is in the
 * queue and the record is removed; when it exits 100 the record is
 * unusable and is set aside as N/ID.bad (N/ID.TIME.bad when that name is
 * taken) in its folder, for the operator, and never run again; any other
 * end (111, a crash, a missing program) is logged and tried again after
 * the first step of control/retryschedule. A record is never dropped.
 * Never exits. */
#ifndef POSTA_SEND_BOUNCERUN_H
#define POSTA_SEND_BOUNCERUN_H

#include <sys/types.h>

#include "posta-send/send.h"
#include "posta-send/wbatch.h"

#define BOUNCE_PROGRAM "bin/posta-bounce"

/* The folder of a notice's records ("bounce", "delay"), and the word that
 * starts its log lines ("bounce", "delay"). */
char const *bouncerun_folder(int note);

/* Puts the message's bounce record, with its new failures added, into a
 * write batch: 0, or -1 (logged; the failures stay in memory, the
 * recipients P). Once the batch is committed, bouncerun_recorded marks them
 * B. */
int bouncerun_put(send_ctx *, wbatch *, msg *);
void bouncerun_recorded(msg *);
/* 0 (nothing to do, or done), -1 (logged: the record or the recipients
 * could not be read or written; the message is looked at again later). */
int bouncerun_reconcile(send_ctx *, msg *);
/* Runs posta-bounce for the message's notice: 0 started; -1 not (logged,
 * its due time set). */
int bouncerun_start(send_ctx *, msg *, int note);
/* A child ended: 1 when it was a posta-bounce, else 0. */
int bouncerun_reaped(send_ctx *, pid_t, int wstat);
/* 1 when a posta-bounce runs for the message. */
int bouncerun_running(msg const *);

#endif
