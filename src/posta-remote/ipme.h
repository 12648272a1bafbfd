/* ipme: the addresses of this host, to recognise an exchanger that would
 * send the mail back to us.
 *
 * The addresses of every interface (getifaddrs), plus the unspecified
 * addresses 0.0.0.0 and :: (connecting to them reaches this host). Only
 * addresses actually configured count: on Linux all of 127.0.0.0/8 reaches
 * the host, but only 127.0.0.1 is an interface address, as in qmail's
 * ipme. libc only; returns errors, never exits. */
#ifndef POSTA_IPME_H
#define POSTA_IPME_H

#include <stddef.h>

#define IPME_MAX 256

typedef struct ipme_s ipme;
struct ipme_s {
  char ip[IPME_MAX][16];
  size_t n;
};

/* 0, or -1 with errno. */
int ipme_load(ipme *);
int ipme_is(ipme const *, char const ip[16]);

#endif
