/* resolve: the real plan_dns: dnsq with control/timeoutdns, and ipme for
 * "is this address mine". Never exits. */
#ifndef POSTA_RESOLVE_H
#define POSTA_RESOLVE_H

#include "posta-remote/job.h"
#include "posta-remote/plan.h"

void resolve_init(plan_dns *, job *);

#endif
