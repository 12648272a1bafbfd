/* smtpd_auth: SMTP AUTH (RFC 4954) and what it allows.
 *
 * Mechanisms PLAIN and LOGIN, offered only once TLS is on, unless
 * control/authinsecure holds a number other than 0. The credentials go to
 * a checkpassword program (control/checkpassword, default
 * bin/posta-checkpw; doc/tls.md) on its descriptor 3, never in an argument
 * or a log. A success lets the client relay for the rest of the session
 * (until STARTTLS forgets it) and restricts its senders to the addresses
 * it owns (control/authsenders). A failure is logged, answered after a
 * delay that grows with each one, and the third ends the session; the
 * failures of one client address are also counted across sessions and
 * processes (smtpd_authfail.h), and too many refuse its AUTH for a while
 * before any password is checked. In submission mode (posta-smtpd -s) MAIL needs an AUTH first, unless
 * tcprules gave the client RELAYCLIENT. */
#ifndef POSTA_SMTPD_AUTH_H
#define POSTA_SMTPD_AUTH_H

#include <stddef.h>

#include "posta-smtpd/smtpd_authfail.h"

#define SMTPD_AUTH_USER_MAX 256      /* octets of a login */
#define SMTPD_AUTH_PASS_MAX 256      /* octets of a password */
#define SMTPD_AUTH_FAILS_MAX 3       /* failures before the session ends */
#define SMTPD_AUTH_DELAY 1           /* seconds of delay per failure so far */
#define SMTPD_AUTH_ARGS_MAX 16       /* words of control/checkpassword */
#define SMTPD_AUTH_PROG_MAX 1024

typedef struct smtpd_auth_s smtpd_auth;
struct smtpd_auth_s {
  int insecure;                      /* control/authinsecure */
  int submission;                    /* -s */
  unsigned fails;                    /* this session's */
  smtpd_authfail fail;               /* the limits across sessions */
  char user[SMTPD_AUTH_USER_MAX];    /* the authenticated login, "" before */
  char prog[SMTPD_AUTH_PROG_MAX];    /* control/checkpassword */
};

/* Reads control/authinsecure, control/checkpassword and the limits of
 * smtpd_authfail: 0, or -1 with errno. */
int smtpd_auth_load(smtpd_auth *);

/* The checkpassword run (smtpd_authpw.c): 0 the password is right, 1 it
 * is not, 2 a temporary failure. The login and the password go on its
 * descriptor 3; timeout in seconds. */
int smtpd_authpw_check(char const *prog, char const *user, size_t ulen, char const *pass, size_t plen, unsigned timeout);

/* Whether login may use sender (smtpd_authsend.c): the null sender, the
 * login itself (login@me when it has no '@'), or an entry of
 * control/authsenders. 1 yes, 0 no, -1 the file cannot be read. */
int smtpd_authsend_ok(char const *login, char const *sender, char const *me);

#endif
