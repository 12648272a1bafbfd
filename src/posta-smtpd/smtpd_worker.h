/* smtpd_worker: posta-smtpd as a long-lived worker of posta-smtpdpool.
 *
 * The pool's socket (SOCK_SEQPACKET) brings one connection at a time: a
 * message "C" followed by the session's variables, each NAME=VALUE and
 * NUL-terminated (TCPREMOTEIP... as tcpserver sets them, then those of
 * the tcprules rule), with the client's socket as SCM_RIGHTS. With TLS
 * (posta-smtpdpool -t or -i), "T" (STARTTLS may come) or "I" (implicit
 * TLS) instead of "C", and two descriptors: a socket to a posta-tlsd -w
 * worker in place of the client's, and posta-tlsd's control socket, the
 * POSTA_TLSFD of the one-connection mode; for "I" the worker waits there
 * for the end of the handshake ("Yversion cipher"), whose protocol and
 * cipher become SSL_PROTOCOL and SSL_CIPHER, before the session starts.
 * The worker
 * runs that one session with a session struct built fresh for it, then
 * wipes the struct, closes the socket, puts back the environment it was
 * started with and answers "D". End of file on the pool's socket (the
 * pool retires the worker after its maximum of sessions, or is gone)
 * ends the worker. doc/protocols.md describes the messages. */
#ifndef POSTA_SMTPD_WORKER_H
#define POSTA_SMTPD_WORKER_H

#include <stddef.h>

#define SMTPD_WORKER_MSG_MAX 16384   /* one connection's message */
#define SMTPD_WORKER_TLS_ROOM 256    /* of it, kept for the TLS variables */
#define SMTPD_WORKER_TLS_WAIT_MS 1200000 /* for an implicit TLS handshake */

/* The variables a session gets from the pool, never from the worker's own
 * environment (tcpserver's, and posta-tlsd's). */
extern char const *const smtpd_worker_session_vars[];

/* Serves connections from the pool's socket ctl until end of file: 0, or
 * -1 with errno when the socket fails. submission: posta-smtpd -s. */
int smtpd_worker_run(int ctl, int submission);

/* The environment of one session: the variables of msg (len octets of
 * NUL-terminated NAME=VALUE strings; a later one replaces an earlier one),
 * then those of base whose names msg does not give and that are not in
 * smtpd_worker_session_vars. A malloc'd array (free it; the strings stay
 * msg's and base's), or 0 (ENOMEM). */
char **smtpd_worker_env(char *const *base, char const *msg, size_t len);

#endif
