/* sched: what to do with a message now.
 *
 * sched_evaluate looks at a message in memory: it asks for its delay
 * notice when that is due (delaywarn.h), starts posta-bounce when its
 * bounce or delay record is due, or else the deliveries that are due and
 * allowed (local: one recipient a delivery; remote: the recipients of one
 * domain together, at most SPAWN_RCPT_MAX), within the channel's and the
 * destination's (remote) or the mailbox's (local) limits. A message with
 * nothing in flight is then parked and freed (schedq.h): on the waiting
 * list of the first full gate it met, else in the index at its next due
 * time. Never exits. */
#ifndef POSTA_SEND_SCHED_H
#define POSTA_SEND_SCHED_H

#include "posta-send/send.h"

void sched_evaluate(send_ctx *, msg *);

#endif
