/* dnsq: DNS questions through libowfat's resolver, with an overall deadline.
 *
 * The servers are DNSCACHEIP's, else /etc/resolv.conf's (libowfat's
 * dns_resolvconfip). libowfat's own dns_resolve retries for up to a minute
 * per question and cannot tell NXDOMAIN from an empty answer; dnsq drives
 * dns_transmit itself so that both are under the caller's control.
 *
 * Every function returns DNSQ_OK (an answer, possibly empty), DNSQ_NXDOMAIN
 * (the name does not exist), or -1 with errno for a temporary failure
 * (ETIMEDOUT when the deadline passed, ENOMEM, EAGAIN for a server failure).
 * Names are dotted text; answers are libowfat's formats. Never exits, never
 * prints. */
#ifndef POSTA_DNSQ_H
#define POSTA_DNSQ_H

#include <stralloc.h>

#define DNSQ_OK 0
#define DNSQ_NXDOMAIN 1

/* Seeds libowfat's query-id and port randomness from the kernel. */
void dnsq_init(void);
/* The raw answer packet to one question. */
int dnsq_ask(stralloc *packet, char const *name, char const qtype[2], unsigned int timeout);
/* MX records: each a two-byte big-endian preference then a NUL-terminated
 * dotted name (dns_mx_packet's format); the root (a null MX) reads ".". */
int dnsq_mx(stralloc *out, char const *name, unsigned int timeout);
/* AAAA records, 16 bytes each. */
int dnsq_aaaa(stralloc *out, char const *name, unsigned int timeout);
/* A records, 4 bytes each. */
int dnsq_a(stralloc *out, char const *name, unsigned int timeout);

/* The parsers the three above apply to an answer packet (public so that
 * the fuzz harness feeds them hostile packets): 0, or -1 when the packet
 * is malformed. */
int dnsq_packet_mx(stralloc *out, char const *buf, unsigned int len);
int dnsq_packet_aaaa(stralloc *out, char const *buf, unsigned int len);
int dnsq_packet_a(stralloc *out, char const *buf, unsigned int len);

#endif
