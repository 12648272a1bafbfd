/* plan: which addresses to try, in which order. See plan.h. */
#include "posta-remote/plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "owf/dnsq.h"
#include "posta-remote/ipaddr.h"

typedef struct mx_s mx;
struct mx_s {
  unsigned int pref;
  char const *name;   /* points into the MX answer */
};

static void why(plan *p, enum plan_outcome o, char const *fmt, ...)
{
  va_list ap;
  p->outcome = o;
  va_start(ap, fmt);
  vsnprintf(p->why, sizeof p->why, fmt, ap);
  va_end(ap);
}

static char const *reason(int e)
{
  return e == ETIMEDOUT ? "timed out" : strerror(e);
}

static void add_target(plan *p, char const *host, char const ip[16], unsigned int port, unsigned int pref)
{
  if (p->n >= PLAN_TARGETS_MAX) return;
  for (unsigned int i = 0; i < p->n; i++)
    if (!memcmp(p->t[i].ip, ip, 16) && p->t[i].port == port) return;   /* tried once is enough */
  plan_target *t = &p->t[p->n++];
  size_t n = strlen(host);
  if (n >= sizeof t->host) n = sizeof t->host - 1;
  memcpy(t->host, host, n);
  t->host[n] = 0;
  memcpy(t->ip, ip, 16);
  t->port = port;
  t->pref = pref;
}

/* Adds host's addresses, IPv6 first. Sets *self when one is this host.
 * DNSQ_OK with *found, DNSQ_NXDOMAIN, or -1 (errno, ENOMEM included). */
static int add_host(plan *p, plan_dns const *dns, char const *host, unsigned int port, unsigned int pref, int *self, unsigned int *found)
{
  stralloc sa = { 0, 0, 0 };
  char ip[16];
  unsigned int before = p->n;
  int r6 = dns->aaaa(dns->ctx, host, &sa);
  if (r6 == DNSQ_OK)
    for (size_t i = 0; i + 16 <= sa.len && i < 16 * PLAN_ADDRS_PER_FAMILY; i += 16) {
      if (dns->isme(dns->ctx, sa.s + i)) *self = 1;
      add_target(p, host, sa.s + i, port, pref);
    }
  int e6 = errno;
  int r4 = dns->a(dns->ctx, host, &sa);
  if (r4 == DNSQ_OK)
    for (size_t i = 0; i + 4 <= sa.len && i < 4 * PLAN_ADDRS_PER_FAMILY; i += 4) {
      ipaddr_from4(ip, sa.s + i);
      if (dns->isme(dns->ctx, ip)) *self = 1;
      add_target(p, host, ip, port, pref);
    }
  int e4 = errno;
  free(sa.s);
  *found = p->n - before;
  if (*found) return DNSQ_OK;
  if (r6 < 0 || r4 < 0) { errno = r6 < 0 ? e6 : e4; return -1; }
  return r6 == DNSQ_NXDOMAIN && r4 == DNSQ_NXDOMAIN ? DNSQ_NXDOMAIN : DNSQ_OK;
}

/* Straight to the literal's address: never this host's (its interfaces,
 * control/moreipme, and all of loopback, which reaches this host whatever
 * the interfaces say). */
static int from_literal(plan *p, char const *domain, unsigned int port, plan_dns const *dns)
{
  char ip[16];
  if (ipaddr_literal(domain, ip) < 0) {
    why(p, PLAN_BADADDR, "%s is not a valid address literal", domain);
    return 0;
  }
  if (dns->isme(dns->ctx, ip) || ipaddr_is_loopback(ip)) {
    why(p, PLAN_LOOP, "%s is an address of this host: mail for it would loop back to myself", domain);
    return 0;
  }
  add_target(p, "", ip, port, 0);
  return 0;
}

static int from_relay(plan *p, smtproute const *route, plan_dns const *dns)
{
  char ip[16];
  int self = 0;
  unsigned int found;
  if (ipaddr_is_literal(route->host)) {
    if (ipaddr_literal(route->host, ip) < 0) {
      why(p, PLAN_TEMP, "control/smtproutes: %s is not a valid address literal", route->host);
      return 0;
    }
    add_target(p, "", ip, route->port, 0);
    return 0;
  }
  int r = add_host(p, dns, route->host, route->port, 0, &self, &found);
  if (r < 0 && errno == ENOMEM) return -1;
  if (r < 0) why(p, PLAN_TEMP, "DNS lookup of relay %s failed: %s", route->host, reason(errno));
  else if (!found) why(p, PLAN_TEMP, "relay %s of control/smtproutes has no address", route->host);
  return 0;
}

static int implicit(plan *p, char const *domain, unsigned int port, plan_dns const *dns)
{
  int self = 0;
  unsigned int found;
  int r = add_host(p, dns, domain, port, 0, &self, &found);
  if (r < 0 && errno == ENOMEM) return -1;
  if (r < 0) why(p, PLAN_TEMP, "DNS lookup of %s failed: %s", domain, reason(errno));
  else if (r == DNSQ_NXDOMAIN) why(p, PLAN_NXDOMAIN, "domain %s does not exist", domain);
  else if (!found) why(p, PLAN_NOHOST, "domain %s has no MX and no address", domain);
  else if (self) {
    p->n = 0;
    why(p, PLAN_LOOP, "%s has no MX and its address is this host's: mail for it would loop back to myself", domain);
  }
  return 0;
}

static int mx_cmp(void const *a, void const *b)
{
  unsigned int x = ((mx const *)a)->pref, y = ((mx const *)b)->pref;
  return x < y ? -1 : x > y;
}

/* Splits the MX answer into list; drops root entries (*nulls counts them). */
static unsigned int mx_split(stralloc const *sa, mx *list, unsigned int *nulls)
{
  unsigned int n = 0;
  size_t i = 0;
  *nulls = 0;
  while (i + 2 < sa->len && n < PLAN_MX_MAX) {
    char const *name = sa->s + i + 2;
    char const *end = memchr(name, 0, sa->len - i - 2);
    if (!end) break;
    unsigned int pref = ((unsigned char)sa->s[i] << 8) | (unsigned char)sa->s[i + 1];
    i = (size_t)(end - sa->s) + 1;
    if (!*name || !strcmp(name, ".")) { (*nulls)++; continue; }
    list[n].pref = pref;
    list[n++].name = name;
  }
  return n;
}

/* Sorts by preference and shuffles each run of equal preferences. */
static void mx_order(mx *list, unsigned int n, plan_dns const *dns)
{
  qsort(list, n, sizeof *list, mx_cmp);
  for (unsigned int i = 0; i < n;) {
    unsigned int j = i;
    while (j < n && list[j].pref == list[i].pref) j++;
    for (unsigned int k = j - 1; k > i; k--) {
      unsigned int r = i + dns->random(dns->ctx, k - i + 1);
      mx tmp = list[k];
      list[k] = list[r];
      list[r] = tmp;
    }
    i = j;
  }
}

static int is_me(plan_dns const *dns, char const *name)
{
  return dns->me && dns->me[0] && !strcasecmp(name, dns->me);
}

/* Resolves the exchangers in order; stops at the first that is this host. */
static int from_mx(plan *p, char const *domain, mx *list, unsigned int n, unsigned int port, plan_dns const *dns)
{
  unsigned int temp = 0, found;
  int lasterr = 0;
  char const *self = 0;
  for (unsigned int i = 0; i < n && !self; i++) {
    int me = is_me(dns, list[i].name);
    unsigned int before = p->n;
    int r = me ? DNSQ_OK : add_host(p, dns, list[i].name, port, list[i].pref, &me, &found);
    if (r < 0 && errno == ENOMEM) return -1;
    if (r < 0) { temp++; lasterr = errno; }
    if (!me) continue;
    self = list[i].name;
    /* this one and any other of its preference would send it back here */
    p->n = before;
    while (p->n && p->t[p->n - 1].pref >= list[i].pref) p->n--;
  }
  if (p->n) return 0;
  if (self) why(p, PLAN_LOOP, "the best exchanger of %s, %s, is this host: mail for it would loop back to myself", domain, self);
  else if (temp) why(p, PLAN_TEMP, "DNS lookup of the exchangers of %s failed: %s", domain, reason(lasterr));
  else why(p, PLAN_TEMP, "no exchanger of %s has an address", domain);
  return 0;
}

static int from_dns(plan *p, char const *domain, unsigned int port, plan_dns const *dns)
{
  stralloc sa = { 0, 0, 0 };
  mx list[PLAN_MX_MAX];
  unsigned int nulls;
  int r = dns->mx(dns->ctx, domain, &sa);
  if (r < 0) {
    int e = errno;
    free(sa.s);
    if (e == ENOMEM) return -1;
    why(p, PLAN_TEMP, "DNS lookup of the MX of %s failed: %s", domain, reason(e));
    return 0;
  }
  if (r == DNSQ_NXDOMAIN) {
    free(sa.s);
    why(p, PLAN_NXDOMAIN, "domain %s does not exist", domain);
    return 0;
  }
  unsigned int n = mx_split(&sa, list, &nulls);
  if (!n && nulls) {
    free(sa.s);
    why(p, PLAN_NULLMX, "domain %s accepts no mail (null MX)", domain);
    return 0;
  }
  if (!n) {
    free(sa.s);
    return implicit(p, domain, port, dns);
  }
  mx_order(list, n, dns);
  r = from_mx(p, domain, list, n, port, dns);
  free(sa.s);
  return r;
}

int plan_build(plan *p, char const *domain, smtproute const *route, plan_dns const *dns)
{
  p->n = 0;
  p->outcome = PLAN_OK;
  p->why[0] = 0;
  if (route && route->host[0]) return from_relay(p, route, dns);
  if (ipaddr_is_literal(domain)) return from_literal(p, domain, route ? route->port : 25, dns);
  int r = from_dns(p, domain, route ? route->port : 25, dns);
  if (r == 0 && p->outcome == PLAN_OK && !p->n) why(p, PLAN_TEMP, "nothing to try for %s", domain);
  return r;
}
