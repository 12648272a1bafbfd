/* resolve: plan_dns on libowfat's resolver. See resolve.h. */
#include "posta-remote/resolve.h"

#include <dns.h>

#include "owf/dnsq.h"

static int r_mx(void *ctx, char const *name, stralloc *out)
{
  return dnsq_mx(out, name, ((job *)ctx)->timeoutdns);
}

static int r_aaaa(void *ctx, char const *name, stralloc *out)
{
  return dnsq_aaaa(out, name, ((job *)ctx)->timeoutdns);
}

static int r_a(void *ctx, char const *name, stralloc *out)
{
  return dnsq_a(out, name, ((job *)ctx)->timeoutdns);
}

static int r_isme(void *ctx, char const ip[16])
{
  return ipme_is(&((job *)ctx)->self, ip);
}

static unsigned int r_random(void *ctx, unsigned int n)
{
  return dns_random(n);
}

void resolve_init(plan_dns *d, job *j)
{
  d->mx = r_mx;
  d->aaaa = r_aaaa;
  d->a = r_a;
  d->isme = r_isme;
  d->random = r_random;
  d->ctx = j;
  d->me = j->me;
}
