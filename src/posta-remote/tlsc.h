/* tlsc: outbound STARTTLS (RFC 3207) and its policy.
 *
 * Whenever a server offers STARTTLS, posta-remote uses it (opportunistic
 * TLS, TLS 1.2 and 1.3 only, certificates not verified: encryption against
 * eavesdroppers, as Postfix's "may"). If the server refuses the command,
 * the session goes on in plain text; if the handshake itself fails, the
 * failure is logged and the target is tried again on a new connection in
 * plain text. A domain listed in control/tlsdestinations (tlsdest.h) gets
 * verified TLS or nothing, as Postfix's "verify": the certificate must
 * chain to the system's store (TLSC_SYSTEM_CA, Debian's ca-certificates)
 * or to the line's ca= file, be valid now, and name the exchanger (its
 * address for a literal) or one of the line's name=. A server that does
 * not offer STARTTLS, refuses it or fails the handshake or the check is
 * skipped, the reason logged and kept; when no server is left the delivery
 * is deferred (4.7.5), never sent in plain text. j->tlsnote says what the
 * transaction used, for its result ("... verified" when checked). Never
 * exits; logs on stderr. */
#ifndef POSTA_TLSC_H
#define POSTA_TLSC_H

#include "posta-remote/job.h"
#include "posta-remote/smtpc.h"
#include "posta-remote/tlsdest.h"

/* Debian's ca-certificates bundle */
#define TLSC_SYSTEM_CA "/etc/ssl/certs/ca-certificates.crt"

#define TLSC_GO 0        /* go on with the transaction on this connection */
#define TLSC_NEXT 1      /* this target is done with (noted): the next one */
#define TLSC_PLAIN 2     /* connect again to this target, in plain text */

/* Before any connection: j->tls from control/tlsdestinations, and for a
 * listed domain the verifying configuration (the CA file read). 0, or -1
 * with why filled (a malformed line, an unreadable CA file). */
int tlsc_prepare(job *, char *why, size_t size);
/* After the EHLO. plain: this connection is the plain-text retry; host:
 * the exchanger's name as DNS or smtproutes gave it ("" for an address
 * alone: then no server name is sent, and ip, its text, is the name a
 * verified certificate must carry). */
int tlsc_step(job *, smtpc *, int plain, char const *host, char const *ip);
/* 1 when control/tlsdestinations lists the job's domain. */
int tlsc_required(job const *);
/* Frees the TLS configuration the job made, if any. */
void tlsc_free(job *);

#endif
