/* deliver: one delivery from start to end: the route, the plan of
 * addresses, a connection to each in turn until one server takes the
 * transaction, and a result for every recipient.
 *
 * A target is skipped while tcpto remembers it failing; an address that
 * refuses or times out a connection is remembered, one that connects is
 * forgotten. A server that refuses us at the greeting or at EHLO/HELO, or
 * drops the connection before the transaction, makes us try the next
 * target (RFC 5321 5.1); once a server has seen MAIL, its answers are
 * final. When no target took the transaction the result is Z 4.4.1 naming
 * the last failure, or D when every server tried refused us with a 5xx
 * greeting. Never exits, never prints. */
#ifndef POSTA_DELIVER_H
#define POSTA_DELIVER_H

#include "posta-remote/job.h"
#include "posta-remote/plan.h"

void deliver_run(job *, plan_dns const *);

#endif
