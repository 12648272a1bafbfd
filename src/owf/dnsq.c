/* dnsq: DNS questions with a deadline. See dnsq.h. */
#include "owf/dnsq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <dns.h>
#include <iopause.h>
#include <taia.h>

void dnsq_init(void)
{
  char seed[128];
  size_t got = 0;
  while (got < sizeof seed) {
    ssize_t r = getrandom(seed + got, sizeof seed - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      break; /* dns_random_init still mixes in the time and the pids */
    }
    got += (size_t)r;
  }
  dns_random_init(seed);
}

static int rcode_of(char const *packet, unsigned int len)
{
  return len >= 4 ? (unsigned char)packet[3] & 15 : -1;
}

/* Runs one transmit until an answer, a failure or the deadline. libowfat's
 * iopause takes "now" as input and does not update it: read the clock after
 * each wait, or dns_transmit_get never sees its own deadlines pass. */
static int transmit(struct dns_transmit *tx, unsigned int timeout)
{
  struct taia stamp, end, deadline;
  iopause_fd x[1];
  taia_now(&stamp);
  taia_uint(&end, timeout ? timeout : 1);
  taia_add(&end, &end, &stamp);
  for (;;) {
    deadline = end;
    dns_transmit_io(tx, x, &deadline);
    iopause(x, 1, &deadline, &stamp);
    taia_now(&stamp);
    int r = dns_transmit_get(tx, x, &stamp);
    if (r < 0) return -1;
    if (r == 1) return 0;
    if (!taia_less(&stamp, &end)) { errno = ETIMEDOUT; return -1; }
  }
}

int dnsq_ask(stralloc *packet, char const *name, char const qtype[2], unsigned int timeout)
{
  char servers[256];
  char *q = 0;
  struct dns_transmit tx;
  int e;
  memset(&tx, 0, sizeof tx);
  if (dns_resolvconfip(servers) < 0) return -1;
  if (!dns_domain_fromdot(&q, name, strlen(name))) { errno = ENOMEM; return -1; }
  static char const anywhere[16] = { 0 };
  if (dns_transmit_start(&tx, servers, 1, q, qtype, anywhere) < 0) goto fail;
  if (transmit(&tx, timeout) < 0) goto fail;
  dns_domain_free(&q);
  if (!stralloc_copyb(packet, tx.packet, tx.packetlen)) { errno = ENOMEM; goto fail; }
  dns_transmit_free(&tx);
  return rcode_of(packet->s, packet->len) == 3 ? DNSQ_NXDOMAIN : DNSQ_OK;
fail:
  e = errno;
  dns_transmit_free(&tx);
  dns_domain_free(&q);
  errno = e ? e : EIO;
  return -1;
}

typedef int packet_parser(stralloc *, char const *, unsigned int);

static int ask_and_parse(stralloc *out, char const *name, char const qtype[2], unsigned int timeout, packet_parser *parse)
{
  stralloc packet = { 0, 0, 0 };
  int r = dnsq_ask(&packet, name, qtype, timeout);
  if (r < 0) return -1;
  out->len = 0;
  if (r == DNSQ_OK && parse(out, packet.s, packet.len) < 0) {
    free(packet.s);
    errno = EPROTO;
    return -1;
  }
  free(packet.s);
  return r;
}

int dnsq_packet_mx(stralloc *out, char const *buf, unsigned int len)
{
  return dns_mx_packet(out, buf, len);
}

int dnsq_packet_aaaa(stralloc *out, char const *buf, unsigned int len)
{
  /* libowfat's parser takes A records too, as mapped addresses; an AAAA
   * answer holds none, and keeping only whole 16-byte entries is cheap. */
  if (dns_ip6_packet(out, buf, len) < 0) return -1;
  out->len -= out->len % 16;
  return 0;
}

int dnsq_packet_a(stralloc *out, char const *buf, unsigned int len)
{
  if (dns_ip4_packet(out, buf, len) < 0) return -1;
  out->len -= out->len % 4;
  return 0;
}

int dnsq_mx(stralloc *out, char const *name, unsigned int timeout)
{
  return ask_and_parse(out, name, DNS_T_MX, timeout, dnsq_packet_mx);
}

int dnsq_aaaa(stralloc *out, char const *name, unsigned int timeout)
{
  return ask_and_parse(out, name, DNS_T_AAAA, timeout, dnsq_packet_aaaa);
}

int dnsq_a(stralloc *out, char const *name, unsigned int timeout)
{
  return ask_and_parse(out, name, DNS_T_A, timeout, dnsq_packet_a);
}
