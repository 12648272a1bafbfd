/* ipaddr: addresses as posta-remote keeps them, 16 bytes, IPv4 as an
 * IPv4-mapped IPv6 address (::ffff:192.0.2.1), and their text forms.
 *
 * libc only (inet_pton, inet_ntop); never allocates, never fails loudly. */
#ifndef POSTA_IPADDR_H
#define POSTA_IPADDR_H

#include <stddef.h>

#define IPADDR_FMT 48   /* room for any address's text and its NUL */

/* 1 when ip is IPv4 (mapped). */
int ipaddr_is4(char const ip[16]);
void ipaddr_from4(char ip[16], char const v4[4]);
/* 1 when ip is a loopback address: 127.0.0.0/8 or ::1. */
int ipaddr_is_loopback(char const ip[16]);
/* The text form: dotted for IPv4, RFC 5952 for IPv6. */
void ipaddr_fmt(char out[IPADDR_FMT], char const ip[16]);
/* Parses an address literal as in an e-mail domain: "[192.0.2.1]" or
 * "[IPv6:2001:db8::1]" (the tag without case). 0, or -1 when s is not one. */
int ipaddr_literal(char const *s, char ip[16]);
/* 1 when s looks like an address literal at all (starts with '['). */
int ipaddr_is_literal(char const *s);

#endif
