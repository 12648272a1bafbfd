/* tlsdest: what control/tlsdestinations says about a domain.
 *
 * One destination a line, then options, separated by spaces or tabs:
 *   bank.example                  TLS or nothing, certificate verified
 *   .bank.example                 the same for every subdomain
 *   bank.example ca=/etc/posta/bank-ca.pem
 *                                 verified against that CA file (PEM, one
 *                                 or more certificates) instead of the
 *                                 system's store
 *   bank.example name=mx.bank.example,smtp.bank.net
 *                                 the certificate may name any of these
 *                                 instead of the exchanger, matched as the
 *                                 exchanger's name is (name= may come
 *                                 more than once)
 * The most specific line wins: the domain itself, then ".suffix" lines,
 * longest first; keys compare without case. A plain line (a domain alone)
 * means what it meant before options existed, plus verification.
 *
 * Pure: works on the list control_lines read; never touches the network or
 * a file, never allocates. */
#ifndef POSTA_TLSDEST_H
#define POSTA_TLSDEST_H

#include <stddef.h>

#define TLSDEST_CA_MAX 1024
#define TLSDEST_NAMES_MAX 1024

typedef struct tlsdest_s tlsdest;
struct tlsdest_s {
  int listed;                        /* a line applies: TLS, verified */
  char ca[TLSDEST_CA_MAX];           /* "": the system's store */
  char names[TLSDEST_NAMES_MAX];     /* more names, each NUL-terminated */
  size_t nameslen;
};

/* Fills *out for domain from list (len bytes of NUL-terminated lines). 1
 * when a line applies, 0 when none does, -1 with errno EINVAL when the line
 * that applies is malformed (an unknown option, an empty value, a value
 * too long): *line then points to it. */
int tlsdest_find(char const *list, size_t len, char const *domain, tlsdest *out, char const **line);
/* Checks every line of list as tlsdest_find reads the one that applies:
 * 0, or -1 with errno EINVAL and *line the first that is malformed.
 * posta-showctl's check of the file. */
int tlsdest_check(char const *list, size_t len, char const **line);
/* The next name of d->names: start *pos at 0; 0 after the last. */
char const *tlsdest_name(tlsdest const *d, size_t *pos);

#endif
