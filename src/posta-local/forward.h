/* forward: dot-qmail forwards ("&address" and bare address lines).
 *
 * Addresses are collected while the dot-qmail file runs; forward_run then
 * injects the message once for all of them through $QMAILQUEUE, else
 * DIR/bin/posta-queue (qmail-queue's interface: message on fd 0, envelope
 * on fd 1), with the envelope sender kept and our Delivered-To line added
 * on top, so that a forwarding loop comes back here and is stopped.
 * Failures fill the context's result (result.h) and return -1. */
#ifndef POSTA_FORWARD_H
#define POSTA_FORWARD_H

#include <stddef.h>

#include "posta-local/local.h"

/* Queues one address (n bytes, blanks around it dropped); 0, or -1
 * (result 111) when it cannot be an envelope address. */
int forward_add(local_ctx *c, char const *addr, size_t n);
/* Injects the message for the queued addresses, if any: 0, or -1 (result
 * 100 when the injector refused it for good, else 111). */
int forward_run(local_ctx *c);
/* What an injector's exit code means: 0 done, 100 permanent, 111 temporary. */
int forward_class(int code);

#endif
