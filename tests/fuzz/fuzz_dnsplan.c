/* fuzz_dnsplan: DNS answers as posta-remote consumes them: dnsq's packet
 * parsers (src/owf/dnsq.c, libowfat's dns_*_packet) feeding plan_build
 * (src/posta-remote/plan.c), which orders exchangers and addresses. The
 * input is a control byte, then three answer packets split at the bytes
 * "\0\0\0\0": the MX answer, the AAAA answer and the A answer given for
 * every name asked. The control byte picks the domain (a name, or an
 * address literal) and which answers are NXDOMAIN or failures. Checks:
 * the outcome is one of the documented ones; PLAN_OK has 1 to
 * PLAN_TARGETS_MAX targets; every host name and the why text are bounded
 * and hold no control byte (they go into results and logs). */
#include "fuzz.h"

#include <stralloc.h>
#include "owf/dnsq.h"
#include "posta-remote/plan.h"

typedef struct { char const *pk[3]; size_t len[3]; unsigned ctl; } answers;

static int answer(answers *a, int which, stralloc *out)
{
  static int (*const parse[3])(stralloc *, char const *, unsigned int) =
    { dnsq_packet_mx, dnsq_packet_aaaa, dnsq_packet_a };
  unsigned mode = (a->ctl >> (2 * which)) & 3;
  out->len = 0;
  if (mode == 1) return DNSQ_NXDOMAIN;
  if (mode == 2) { errno = EAGAIN; return -1; }
  if (parse[which](out, a->pk[which], (unsigned int)a->len[which]) < 0) { errno = EPROTO; return -1; }
  return DNSQ_OK;
}

static int mx(void *ctx, char const *name, stralloc *out) { return answer(ctx, 0, out); }
static int aaaa(void *ctx, char const *name, stralloc *out) { return answer(ctx, 1, out); }
static int a4(void *ctx, char const *name, stralloc *out) { return answer(ctx, 2, out); }

static int isme(void *ctx, char const ip[16])
{
  static char const lo[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (char)0xff, (char)0xff, 127, 0, 0, 1 };
  return !memcmp(ip, lo, 16);
}

static unsigned int rnd(void *ctx, unsigned int n) { return n ? n - 1 : 0; }

/* the three packets, split at four NULs */
static void cut(uint8_t const *d, size_t n, answers *a)
{
  size_t pos = 0;
  for (int k = 0; k < 3; k++) {
    size_t e = pos;
    while (k < 2 && e + 4 <= n && memcmp(d + e, "\0\0\0\0", 4)) e++;
    if (k == 2 || e + 4 > n) e = n;
    a->pk[k] = (char const *)d + pos;
    a->len[k] = e - pos;
    pos = e + 4 <= n ? e + 4 : n;
  }
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  static char const *const domains[] = { "example.net", "[192.0.2.1]", "[IPv6:2001:db8::1]", "mx.example.net", "[300.1.1.1]" };
  static plan p;
  answers a;
  if (size < 2) return 0;
  a.ctl = data[1];
  cut(data + 2, size - 2, &a);
  plan_dns dns = { mx, aaaa, a4, isme, rnd, &a, "me.example.org" };
  smtproute route;
  smtproute const *rp = 0;
  if (data[0] & 0x80) {
    memset(&route, 0, sizeof route);
    snprintf(route.host, sizeof route.host, "%s", (data[0] & 0x40) ? "relay.example.org" : "[192.0.2.9]");
    route.port = 2525;
    rp = &route;
  }
  memset(&p, 0, sizeof p);
  int r = plan_build(&p, domains[data[0] % 5], rp, &dns);
  FUZZ_CHECK(r == 0 || r == -1);
  if (r < 0) return 0;
  FUZZ_CHECK(p.outcome >= PLAN_OK && p.outcome <= PLAN_BADADDR);
  FUZZ_CHECK(p.n <= PLAN_TARGETS_MAX);
  if (p.outcome == PLAN_OK) FUZZ_CHECK(p.n >= 1);
  else FUZZ_CHECK(strlen(p.why) < PLAN_WHY_MAX && fuzz_no_ctl(p.why, strlen(p.why)));
  for (unsigned i = 0; i < p.n; i++) {
    size_t hl = strnlen(p.t[i].host, sizeof p.t[i].host);
    FUZZ_CHECK(hl < sizeof p.t[i].host);
    FUZZ_CHECK(fuzz_no_ctl(p.t[i].host, hl));
    FUZZ_CHECK(p.t[i].port > 0 && p.t[i].port < 65536);
  }
  return 0;
}
