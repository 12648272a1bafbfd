/* tlsc: outbound STARTTLS (RFC 3207) and its policy.
 *
 * Whenever a server offers STARTTLS, posta-remote uses it (opportunistic
 * TLS, TLS 1.2 and 1.3 only, certificates not verified: encryption against
 * eavesdroppers, as Postfix's "may"). If the server refuses the command,
 * the session goes on in plain text; if the handshake itself fails, the
 * failure is logged and the target is tried again on a new connection in
 * plain text. A domain listed in control/tlsdestinations (its name, or
 * ".suffix" for every subdomain) gets TLS or nothing: a server that does
 * not offer it, refuses it or fails the handshake is skipped, and when no
 * server is left the delivery is deferred (4.7.5), never sent in plain
 * text. j->tlsnote says what the transaction used, for its result. Never
 * exits; logs on stderr. */
#ifndef POSTA_TLSC_H
#define POSTA_TLSC_H

#include "posta-remote/job.h"
#include "posta-remote/smtpc.h"

#define TLSC_GO 0        /* go on with the transaction on this connection */
#define TLSC_NEXT 1      /* this target is done with (noted): the next one */
#define TLSC_PLAIN 2     /* connect again to this target, in plain text */

/* After the EHLO. plain: this connection is the plain-text retry; host:
 * the exchanger's name as DNS or smtproutes gave it ("" for an address
 * alone: then no server name is sent). */
int tlsc_step(job *, smtpc *, int plain, char const *host);
/* 1 when control/tlsdestinations lists the job's domain. */
int tlsc_required(job const *);
/* Frees the TLS configuration the job made, if any. */
void tlsc_free(job *);

#endif
