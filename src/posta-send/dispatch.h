/* dispatch: starting one delivery.
 *
 * Picks a free slot of the channel, builds the request, for a remote
 * delivery opens the message file read-only (a new open file description
 * for every delivery, so that no two readers share an offset) and sends
 * request and descriptor to posta-rspawn, for a local one sends the
 * request alone (posta-lspawn opens the message itself), and records the
 * job; the recipients are then busy until the
 * response. Logs "starting delivery". Never blocks, never exits. */
#ifndef POSTA_SEND_DISPATCH_H
#define POSTA_SEND_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "posta-send/send.h"

/* Starts a delivery of the recipients idx[0..n) of m->rc[c] (n is 1 for
 * local): it carries as many of them as one request holds. Returns how many
 * it carries (> 0); 0 when the spawner's socket is full (the channel is
 * marked full); -1 when the message file cannot be opened (logged); -2 when
 * the spawner is gone (posta-send starts stopping). */
int dispatch_job(send_ctx *, msg *m, int c, dest *d, uint32_t const *idx, size_t n);
/* Makes sure a channel has at least limit slots: 0 or -1 (ENOMEM). */
int dispatch_slots(chan *, unsigned limit);
/* Logs "status: local N/MAX remote N/MAX". */
void dispatch_status(send_ctx *);

#endif
