/* smtproutes: where control/smtproutes sends a domain's mail.
 *
 * qmail's syntax, one route a line:
 *   example.net:relay.example.org      mail for example.net goes to the relay
 *   example.net:relay.example.org:2525 the same, on port 2525
 *   .example.net:relay                 any subdomain of example.net
 *   example.net:                       MX records after all (an exception
 *                                      to a wider line); example.net::2525
 *                                      the same on port 2525
 *   :relay                             everything no other line matches
 *   [192.0.2.1]:relay                  mail for an address literal (the
 *                                      domain of x@[192.0.2.1]): its own
 *                                      line or the default, no suffixes;
 *                                      [192.0.2.1]: straight to it
 * The relay is a host name (its AAAA and A records are used, never MX) or an
 * address literal: [192.0.2.1], [IPv6:2001:db8::1]. The most specific line
 * wins: the domain itself, then its suffixes, longest first, then the
 * empty key; keys compare without case. A key that is a literal ends at
 * its ']' ("[IPv6:2001:db8::1]:relay").
 *
 * Pure: works on the list control_lines read; never touches the network,
 * never allocates. */
#ifndef POSTA_SMTPROUTES_H
#define POSTA_SMTPROUTES_H

#include <stddef.h>

#define SMTPROUTE_HOST_MAX 255

typedef struct smtproute_s smtproute;
struct smtproute_s {
  char host[SMTPROUTE_HOST_MAX + 1];  /* the relay, "" for MX records */
  unsigned int port;                  /* 25 unless the line says */
};

/* Finds the route for domain in list (len bytes of NUL-terminated lines).
 * 1 and *out when a line applies, 0 when none does (MX, port 25), -1 with
 * errno EINVAL when the line that applies is malformed: *line then points to
 * it, so that the caller can name it. */
int smtproutes_find(char const *list, size_t len, char const *domain, smtproute *out, char const **line);
/* Checks every line of list as smtproutes_find reads the one that applies:
 * 0, or -1 with errno EINVAL and *line the first that is malformed (a
 * value smtproutes_find refuses, or no key: a line no domain can match).
 * posta-showctl's check of the file. */
int smtproutes_check(char const *list, size_t len, char const **line);

#endif
