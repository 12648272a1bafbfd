/* ipme: the addresses of this host, to recognise an exchanger that would
 * send the mail back to us.
 *
 * The addresses of every interface (getifaddrs), plus the unspecified
 * addresses 0.0.0.0 and :: (connecting to them reaches this host), plus
 * those of control/moreipme (qmail's file: addresses that reach this host
 * without being an interface's, behind a NAT or a load balancer), one a
 * line: an IPv4 or IPv6 address, or a prefix ADDRESS/BITS (posta's
 * addition: "127.0.0.0/8"). Loopback as a whole is not in the list: an
 * exchanger that DNS puts on 127.0.0.2 is connected to, as qmail does;
 * plan.c adds loopback for address literals, and moreipme can add it for
 * everything. libc only; returns errors, never exits. */
#ifndef POSTA_IPME_H
#define POSTA_IPME_H

#include <stddef.h>

#define IPME_MAX 256

typedef struct ipme_s ipme;
struct ipme_s {
  char ip[IPME_MAX][16];
  unsigned char bits[IPME_MAX];   /* prefix length, 128 for one address */
  size_t n;
};

/* The interfaces' addresses. 0, or -1 with errno. */
int ipme_load(ipme *);
/* Adds the lines of control/moreipme (list: len bytes of NUL-terminated
 * lines, control_lines' form). 0, or -1 with errno EINVAL and *bad the
 * malformed line, or E2BIG when the list is full (*bad the first line left
 * out). */
int ipme_more(ipme *, char const *list, size_t len, char const **bad);
int ipme_is(ipme const *, char const ip[16]);

#endif
