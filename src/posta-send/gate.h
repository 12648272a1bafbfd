/* gate: a limit on deliveries in flight and the messages waiting for it.
 *
 * The local channel, the remote channel, each remote destination and the
 * bounce runner are gates. A message that finds a gate full is parked on
 * its waiting list by id (8 bytes) and unloaded; each finished delivery
 * releases one waiter. libc only. */
#ifndef POSTA_SEND_GATE_H
#define POSTA_SEND_GATE_H

#include "posta-send/idq.h"

typedef struct gate_s gate;
struct gate_s {
  unsigned limit;
  unsigned inflight;
  idq waiters;
};
#define GATE_ZERO { 0, 0, IDQ_ZERO }

static inline int gate_free(gate const *g) { return g->inflight < g->limit; }

#endif
