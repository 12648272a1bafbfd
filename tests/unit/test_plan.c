/* Unit tests for src/posta-remote/plan.c, with a fake DNS: MX order and
 * shuffling, IPv6 first, implicit MX, null MX, loops to this host, DNS
 * failures, relays and literals. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "owf/dnsq.h"
#include "posta-remote/ipaddr.h"
#include "posta-remote/plan.h"
#include "unit.h"

/* The fake zone. A name absent from it does not exist (NXDOMAIN); a name
 * with a 'T' entry fails temporarily for every type. */
typedef struct rr_s rr;
struct rr_s {
  char const *name;
  char type;             /* 'M' MX, '6' AAAA, '4' A, 'T' temporary failure, 'E' exists */
  char const *data;      /* MX: "pref name"; AAAA, A: the address */
};

typedef struct fake_s fake;
struct fake_s {
  rr const *zone;
  unsigned int queries;
  unsigned int rnd;      /* what random() answers: rnd % n */
  char me4[4];           /* this host's address */
};

static int lookup(fake *f, char const *name, char type, stralloc *out)
{
  int exists = 0;
  out->len = 0;
  f->queries++;
  for (rr const *z = f->zone; z->name; z++) {
    if (strcasecmp(z->name, name)) continue;
    if (z->type == 'T') { errno = ETIMEDOUT; return -1; }
    exists = 1;
    if (z->type != type) continue;
    if (type == 'M') {
      unsigned int pref;
      char host[256];
      assert_int_equal(sscanf(z->data, "%u %255s", &pref, host), 2);
      char p[2] = { (char)(pref >> 8), (char)pref };
      stralloc_catb(out, p, 2);
      stralloc_catb(out, host, strlen(host) + 1);
    } else {
      char ip[16];
      assert_int_equal(inet_pton(type == '6' ? AF_INET6 : AF_INET, z->data, ip), 1);
      stralloc_catb(out, ip, type == '6' ? 16 : 4);
    }
  }
  return exists ? DNSQ_OK : DNSQ_NXDOMAIN;
}

static int f_mx(void *ctx, char const *name, stralloc *out) { return lookup(ctx, name, 'M', out); }
static int f_aaaa(void *ctx, char const *name, stralloc *out) { return lookup(ctx, name, '6', out); }
static int f_a(void *ctx, char const *name, stralloc *out) { return lookup(ctx, name, '4', out); }
static int f_isme(void *ctx, char const ip[16])
{
  fake *f = ctx;
  return ipaddr_is4(ip) && !memcmp(ip + 12, f->me4, 4);
}
static unsigned int f_random(void *ctx, unsigned int n) { return ((fake *)ctx)->rnd % n; }

static plan P;

static enum plan_outcome build(rr const *zone, char const *domain, smtproute const *route, unsigned int rnd)
{
  fake f = { zone, 0, rnd, { 127, 0, 0, 1 } };
  plan_dns d = { f_mx, f_aaaa, f_a, f_isme, f_random, &f, "me.test" };
  assert_int_equal(plan_build(&P, domain, route, &d), 0);
  return P.outcome;
}

static void target_is(unsigned int i, char const *host, char const *ip, unsigned int port)
{
  char text[IPADDR_FMT];
  assert_true(i < P.n);
  ipaddr_fmt(text, P.t[i].ip);
  assert_string_equal(P.t[i].host, host);
  assert_string_equal(text, ip);
  assert_int_equal(P.t[i].port, port);
}

static rr const Z1[] = {
  { "a.test", 'M', "20 mx2.a.test" },
  { "a.test", 'M', "10 mx1.a.test" },
  { "mx1.a.test", '4', "192.0.2.1" },
  { "mx1.a.test", '6', "2001:db8::1" },
  { "mx2.a.test", '4', "192.0.2.2" },
  { 0, 0, 0 },
};

static void mx_by_preference_ipv6_first(void **state)
{
  assert_int_equal(build(Z1, "a.test", 0, 0), PLAN_OK);
  assert_int_equal(P.n, 3);
  target_is(0, "mx1.a.test", "2001:db8::1", 25);
  target_is(1, "mx1.a.test", "192.0.2.1", 25);
  target_is(2, "mx2.a.test", "192.0.2.2", 25);
  assert_int_equal(P.t[0].pref, 10);
  assert_int_equal(P.t[2].pref, 20);
}

static rr const Z2[] = {
  { "b.test", 'M', "10 x.b.test" },
  { "b.test", 'M', "10 y.b.test" },
  { "b.test", 'M', "10 z.b.test" },
  { "b.test", 'M', "5 first.b.test" },
  { "first.b.test", '4', "192.0.2.9" },
  { "x.b.test", '4', "192.0.2.10" },
  { "y.b.test", '4', "192.0.2.11" },
  { "z.b.test", '4', "192.0.2.12" },
  { 0, 0, 0 },
};

static void equal_preferences_shuffled(void **state)
{
  char seen[3][800];
  for (unsigned int rnd = 0; rnd < 3; rnd++) {
    assert_int_equal(build(Z2, "b.test", 0, rnd), PLAN_OK);
    assert_int_equal(P.n, 4);
    target_is(0, "first.b.test", "192.0.2.9", 25);   /* the best stays first */
    snprintf(seen[rnd], sizeof seen[rnd], "%s %s %s", P.t[1].host, P.t[2].host, P.t[3].host);
  }
  /* different random answers give different orders of the three */
  assert_true(strcmp(seen[0], seen[1]) || strcmp(seen[1], seen[2]));
}

static rr const Z3[] = {
  { "implicit.test", '4', "192.0.2.30" },
  { "implicit.test", '6', "2001:db8::30" },
  { "nohost.test", 'E', "" },
  { "null.test", 'M', "0 ." },
  { "self.test", 'M', "10 me.test" },
  { "selfip.test", 'M', "10 mx.selfip.test" },
  { "mx.selfip.test", '4', "127.0.0.1" },
  { "backup.test", 'M', "10 primary.backup.test" },
  { "backup.test", 'M', "20 mx.selfip.test" },
  { "backup.test", 'M', "20 other20.backup.test" },
  { "backup.test", 'M', "30 other30.backup.test" },
  { "primary.backup.test", '4', "192.0.2.40" },
  { "other20.backup.test", '4', "192.0.2.41" },
  { "other30.backup.test", '4', "192.0.2.42" },
  { "tempmx.test", 'T', "" },
  { "tempaddr.test", 'M', "10 broken.tempaddr.test" },
  { "broken.tempaddr.test", 'T', "" },
  { "noaddr.test", 'M', "10 ghost.noaddr.test" },
  { "selfa.test", '4', "127.0.0.1" },
  { 0, 0, 0 },
};

static void implicit_mx(void **state)
{
  assert_int_equal(build(Z3, "implicit.test", 0, 0), PLAN_OK);
  assert_int_equal(P.n, 2);
  target_is(0, "implicit.test", "2001:db8::30", 25);
  target_is(1, "implicit.test", "192.0.2.30", 25);
}

static void permanent_outcomes(void **state)
{
  assert_int_equal(build(Z3, "nohost.test", 0, 0), PLAN_NOHOST);
  assert_int_equal(build(Z3, "nx.test", 0, 0), PLAN_NXDOMAIN);
  assert_non_null(strstr(P.why, "nx.test does not exist"));
  assert_int_equal(build(Z3, "null.test", 0, 0), PLAN_NULLMX);
  assert_int_equal(P.n, 0);
}

static void loops_to_this_host(void **state)
{
  assert_int_equal(build(Z3, "self.test", 0, 0), PLAN_LOOP);
  assert_non_null(strstr(P.why, "me.test"));
  assert_int_equal(build(Z3, "selfip.test", 0, 0), PLAN_LOOP);
  assert_int_equal(build(Z3, "selfa.test", 0, 0), PLAN_LOOP);
  assert_int_equal(P.n, 0);
}

static void backup_mx_only_tries_better(void **state)
{
  /* we are a preference-20 exchanger: only the preference-10 one is tried,
   * never another of preference 20 or worse */
  for (unsigned int rnd = 0; rnd < 4; rnd++) {
    assert_int_equal(build(Z3, "backup.test", 0, rnd), PLAN_OK);
    assert_int_equal(P.n, 1);
    target_is(0, "primary.backup.test", "192.0.2.40", 25);
  }
}

static void temporary_failures(void **state)
{
  assert_int_equal(build(Z3, "tempmx.test", 0, 0), PLAN_TEMP);
  assert_non_null(strstr(P.why, "timed out"));
  assert_int_equal(build(Z3, "tempaddr.test", 0, 0), PLAN_TEMP);
  /* an exchanger without any address is not a reason to bounce */
  assert_int_equal(build(Z3, "noaddr.test", 0, 0), PLAN_TEMP);
  assert_non_null(strstr(P.why, "no exchanger"));
}

static void literals(void **state)
{
  assert_int_equal(build(Z3, "[192.0.2.77]", 0, 0), PLAN_OK);
  assert_int_equal(P.n, 1);
  target_is(0, "", "192.0.2.77", 25);
  assert_int_equal(build(Z3, "[IPv6:2001:DB8::77]", 0, 0), PLAN_OK);
  target_is(0, "", "2001:db8::77", 25);
  assert_int_equal(build(Z3, "[127.0.0.1]", 0, 0), PLAN_LOOP);
  assert_int_equal(build(Z3, "[300.1.1.1]", 0, 0), PLAN_BADADDR);
  assert_int_equal(build(Z3, "[IPv6:192.0.2.1]", 0, 0), PLAN_BADADDR);
  assert_int_equal(build(Z3, "[]", 0, 0), PLAN_BADADDR);
  /* all of loopback reaches this host, interface address or not */
  assert_int_equal(build(Z3, "[127.0.0.3]", 0, 0), PLAN_LOOP);
  assert_int_equal(build(Z3, "[127.255.255.254]", 0, 0), PLAN_LOOP);
  assert_int_equal(build(Z3, "[IPv6:::1]", 0, 0), PLAN_LOOP);
  assert_int_equal(build(Z3, "[IPv6:::ffff:127.0.0.9]", 0, 0), PLAN_LOOP);
  assert_int_equal(build(Z3, "[128.0.0.1]", 0, 0), PLAN_OK);
}

static void literal_routes(void **state)
{
  /* a literal follows its smtproutes line, or the default, like a domain */
  smtproute relay = { "[192.0.2.99]", 26 };
  assert_int_equal(build(Z1, "[127.0.0.3]", &relay, 0), PLAN_OK);
  assert_int_equal(P.n, 1);
  target_is(0, "", "192.0.2.99", 26);
  smtproute named = { "mx1.a.test", 25 };
  assert_int_equal(build(Z1, "[192.0.2.77]", &named, 0), PLAN_OK);
  target_is(0, "mx1.a.test", "2001:db8::1", 25);
  /* its exception ("[192.0.2.77]::2525"): straight to it, on that port */
  smtproute direct = { "", 2525 };
  assert_int_equal(build(Z1, "[192.0.2.77]", &direct, 0), PLAN_OK);
  target_is(0, "", "192.0.2.77", 2525);
  assert_int_equal(build(Z1, "[127.0.0.3]", &direct, 0), PLAN_LOOP);
}

static void relays(void **state)
{
  smtproute r = { "mx1.a.test", 2525 };
  assert_int_equal(build(Z1, "elsewhere.test", &r, 0), PLAN_OK);
  assert_int_equal(P.n, 2);
  target_is(0, "mx1.a.test", "2001:db8::1", 2525);
  target_is(1, "mx1.a.test", "192.0.2.1", 2525);
  smtproute lit = { "[192.0.2.99]", 26 };
  assert_int_equal(build(Z1, "elsewhere.test", &lit, 0), PLAN_OK);
  target_is(0, "", "192.0.2.99", 26);
  /* a relay is the operator's choice: even this host is allowed (a filter
   * on another port) */
  smtproute me = { "[127.0.0.1]", 10025 };
  assert_int_equal(build(Z1, "elsewhere.test", &me, 0), PLAN_OK);
  smtproute ghost = { "ghost.test", 25 };
  assert_int_equal(build(Z1, "elsewhere.test", &ghost, 0), PLAN_TEMP);
  /* an empty relay with a port: MX records, on that port */
  smtproute mxport = { "", 587 };
  assert_int_equal(build(Z1, "a.test", &mxport, 0), PLAN_OK);
  target_is(0, "mx1.a.test", "2001:db8::1", 587);
}

static void bounded(void **state)
{
  static rr big[PLAN_MX_MAX * 3 + 2];
  static char names[PLAN_MX_MAX * 3][64], addrs[PLAN_MX_MAX * 3][64];
  unsigned int k = 0;
  for (unsigned int i = 0; i < PLAN_MX_MAX * 3 / 2; i++) {
    snprintf(names[i], sizeof names[i], "%u mx%u.big.test", i, i);
    big[k++] = (rr){ "big.test", 'M', names[i] };
    snprintf(addrs[i], sizeof addrs[i], "192.0.2.%u", i);
    big[k++] = (rr){ strchr(names[i], ' ') + 1, '4', addrs[i] };
  }
  big[k] = (rr){ 0, 0, 0 };
  assert_int_equal(build(big, "big.test", 0, 0), PLAN_OK);
  assert_true(P.n <= PLAN_TARGETS_MAX);
  assert_int_equal(P.n, PLAN_MX_MAX);   /* one address each, MX list cut */
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(mx_by_preference_ipv6_first),
    cmocka_unit_test(equal_preferences_shuffled),
    cmocka_unit_test(implicit_mx),
    cmocka_unit_test(permanent_outcomes),
    cmocka_unit_test(loops_to_this_host),
    cmocka_unit_test(backup_mx_only_tries_better),
    cmocka_unit_test(temporary_failures),
    cmocka_unit_test(literals),
    cmocka_unit_test(literal_routes),
    cmocka_unit_test(relays),
    cmocka_unit_test(bounded),
)
