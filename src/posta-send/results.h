/* results: spawners' responses, applied to the messages in memory.
 *
 * For each RESULT of a response: K marks the recipient done, Z schedules
 * its next attempt (the destination's reopening when the destination is
 * down, else control/retryschedule counted in the recipient's attempts,
 * but no later than the end of control/queuelifetime: the last attempt)
 * or, past control/queuelifetime, fails it, as qmail does; D fails it (it
 * waits for its bounce record). A remote delivery's results also tell its destination's fate
 * (dest.h). Logs one line per recipient, marks the message for message_flush_all
 * and wakes the waiters of the gates it freed. Changes only memory: the
 * disk is written by the flush. Never exits. */
#ifndef POSTA_SEND_RESULTS_H
#define POSTA_SEND_RESULTS_H

#include "posta-send/send.h"

/* Reads every response waiting on the channel's socket: 0, or -1 when the
 * spawner is gone (end of file or an error). */
int results_read(send_ctx *, int c);
/* The spawner is gone: its deliveries in flight end without a result. */
void results_abandon(send_ctx *, int c);
/* Applies one parsed response (exposed for the unit tests). */
void results_apply(send_ctx *, int c, spawnresp *);
/* Builds the line recorded for a recipient given up after
 * control/queuelifetime: a D line carrying the last temporary failure, its
 * status (4.x.x) and text as they were (the log line says it gave up; the
 * notice says so in its own words); only a full mailbox, 4.2.2, becomes
 * 5.2.2 (RFC 3463: the mailbox stayed full to the end). */
int results_expired(char *out, size_t max, char const *line);

#endif
