/* domains: is an address delivered here, and under which local name?
 *
 * qmail's meanings: control/locals lists domains delivered locally as they
 * are; control/virtualdomains maps "user@domain:prefix", "domain:prefix" or
 * ".suffix:prefix" (any subdomain) to local delivery as "prefix-user", and an
 * empty prefix makes an exception (remote). locals wins over
 * virtualdomains; a full address wins over its domain, which wins over the
 * suffixes, longest first. Domains compare without case. An address without
 * '@' belongs to control/me; without control/locals, control/me is the one
 * local domain. libc only; reads files relative to the
 * instance's home (the working directory). */
#ifndef POSTA_DOMAINS_H
#define POSTA_DOMAINS_H

#include <stddef.h>

#define DOMAINS_REMOTE 0
#define DOMAINS_LOCAL 1

typedef struct domains_s domains;
struct domains_s {
  char *locals;       /* control/locals, items NUL-terminated, lower-cased */
  size_t locals_len;
  char *vdoms;        /* control/virtualdomains, "key\0prefix\0" pairs */
  size_t vdoms_len;
  char me[256];       /* control/me, lower-cased */
};
#define DOMAINS_ZERO { 0, 0, 0, 0, { 0 } }

/* Reads control/me, control/locals and control/virtualdomains. 0 or -1. */
int domains_load(domains *);
/* The same from the instance in dir (its control/ folder), whatever the
 * working directory: for programs that run in their caller's. */
int domains_load_in(domains *, char const *dir);
void domains_free(domains *);
/* Decides where addr goes. DOMAINS_LOCAL: out gets "LOCAL@DOMAIN" with the
 * virtualdomains prefix applied; DOMAINS_REMOTE: out gets the address. In
 * both the domain is lower-cased. -1 with errno ENAMETOOLONG when out is too
 * small. */
int domains_route(domains const *, char const *addr, char *out, size_t outsize);
/* 1 when mail for domain is delivered here (locals, or a virtualdomains
 * entry with a prefix), else 0. */
int domains_is_local(domains const *, char const *domain);

#endif
