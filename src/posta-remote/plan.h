/* plan: the addresses to try for one domain, in order.
 *
 * From a route of control/smtproutes (literals have routes too), an
 * address literal (its address, never this host's nor loopback), or DNS: MX
 * records sorted by preference, equal preferences shuffled, and for each
 * exchanger its AAAA then its A addresses (IPv6 first); no MX records means
 * the domain itself (implicit MX, RFC 5321 5.1). An exchanger that is this
 * host (control/me, or one of its addresses) ends the list: it and every
 * exchanger of its preference or worse would send the mail back here (a
 * backup MX delivers only to better ones). A null MX (RFC 7505) and a
 * domain that does not exist are permanent outcomes; a DNS failure is a
 * temporary one. Relays of smtproutes are the operator's choice and are not
 * checked against this host (a filter on another port of it is legitimate).
 *
 * DNS and the test "is this address mine" come through plan_dns, so that
 * tests can fake them. plan_build never connects, never prints; it returns
 * -1 only when memory runs out. */
#ifndef POSTA_PLAN_H
#define POSTA_PLAN_H

#include <stralloc.h>

#include "posta-remote/smtproutes.h"

#define PLAN_TARGETS_MAX 64
#define PLAN_MX_MAX 32
#define PLAN_ADDRS_PER_FAMILY 16
#define PLAN_WHY_MAX 400

enum plan_outcome {
  PLAN_OK,          /* targets to try */
  PLAN_TEMP,        /* DNS failed, or nothing to try yet: try again later */
  PLAN_NXDOMAIN,    /* the domain does not exist */
  PLAN_NOHOST,      /* the domain exists but has neither MX nor address */
  PLAN_NULLMX,      /* the domain says it takes no mail (RFC 7505) */
  PLAN_LOOP,        /* the best exchanger is this host */
  PLAN_BADADDR      /* the domain is a malformed address literal */
};

typedef struct plan_target_s plan_target;
struct plan_target_s {
  char host[256];      /* the exchanger's name, or the literal's address */
  char ip[16];         /* IPv4 mapped */
  unsigned int port;
  unsigned int pref;
};

typedef struct plan_s plan;
struct plan_s {
  plan_target t[PLAN_TARGETS_MAX];
  unsigned int n;
  enum plan_outcome outcome;
  char why[PLAN_WHY_MAX];   /* when not PLAN_OK: what happened, in words */
};

typedef struct plan_dns_s plan_dns;
struct plan_dns_s {
  /* as dnsq_mx, dnsq_aaaa, dnsq_a: DNSQ_OK, DNSQ_NXDOMAIN or -1 (errno) */
  int (*mx)(void *ctx, char const *name, stralloc *out);
  int (*aaaa)(void *ctx, char const *name, stralloc *out);
  int (*a)(void *ctx, char const *name, stralloc *out);
  int (*isme)(void *ctx, char const ip[16]);
  unsigned int (*random)(void *ctx, unsigned int n);   /* 0..n-1 */
  void *ctx;
  char const *me;      /* control/me: an exchanger by this name is us */
};

/* route: the smtproutes line that applies, or 0. 0 and *p filled, or -1
 * (ENOMEM). */
int plan_build(plan *p, char const *domain, smtproute const *route, plan_dns const *dns);

#endif
