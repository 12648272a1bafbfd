/* delaywarn: a message's delay notice, asked for once (doc/queue.md,
 * "delay").
 *
 * delaywarn_check looks at a message being evaluated. When its sender is
 * not the null sender, control/delaywarning is not 0, its info record's d
 * is 0, it has no delay record, and it still has pending recipients (not
 * failed) delaywarning seconds after its arrival, it writes
 * queue/delay/N/ID (F, t, k d, then A and e for every pending recipient)
 * durably, then sets info's d to now, durably. A message that has a delay
 * record and d 0 (a crash fell between the two) gets only the second
 * write. The scheduler then runs posta-bounce -d for the record
 * (bouncerun.h), never before d is durable. So a message gets at most one
 * delay notice: no record is written while one exists, nor once d is set.
 * Never exits; a failed write is logged and tried again after the first
 * step of control/retryschedule. */
#ifndef POSTA_SEND_DELAYWARN_H
#define POSTA_SEND_DELAYWARN_H

#include <stdint.h>

#include "posta-send/send.h"

/* Returns when the message must be looked at again for its delay notice:
 * UINT64_MAX never (nothing to do, or the record is ready for
 * posta-bounce). */
uint64_t delaywarn_check(send_ctx *, msg *);

#endif
