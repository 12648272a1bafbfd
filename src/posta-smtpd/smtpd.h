/* smtpd: one SMTP session of posta-smtpd, and what its modules share.
 *
 * The session is one struct passed to every function: its settings, the
 * client's input and output, the current transaction. Memory is fixed but
 * for the recipients, which grow to at most maxrcpt addresses of at most
 * ENVELOPE_ADDR_MAX octets. Every reply goes through smtpd_reply*, which
 * also counts failures: too many end the session with 421. */
#ifndef POSTA_SMTPD_H
#define POSTA_SMTPD_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/domains.h"
#include "common/esc.h"
#include "posta-smtpd/smtpd_auth.h"
#include "posta-smtpd/smtpd_config.h"
#include "posta-smtpd/smtpd_io.h"
#include "posta-smtpd/smtpd_line.h"
#include "posta-smtpd/smtpd_policy.h"
#include "posta-smtpd/smtpd_tls.h"

#define SMTPD_HELO_MAX 255     /* octets of the HELO name kept */
#define SMTPD_ERRORS_MAX 20    /* failed commands before 421 */
#define SMTPD_MAXHOPS 100      /* Received: lines a message may carry */

#define SMTPD_MAIL_UTF8 1      /* MAIL had SMTPUTF8 */
#define SMTPD_MAIL_8BIT 2      /* MAIL had BODY=8BITMIME */

/* Does a local address have a mailbox? lookup_exists()'s contract:
 * 1 yes, 0 no, 2 yes but full (a used-up quota), -1 temporary error. */
typedef int smtpd_exists_func(char const *local, char const *domain);

typedef struct smtpd_s smtpd;
struct smtpd_s {
  sio in;
  sio out;
  smtpd_line line;
  smtpd_cfg cfg;
  smtpd_policy pol;
  domains dom;
  smtpd_exists_func *exists;
  char const *injector;       /* $QMAILQUEUE, else bin/posta-queue */
  int injectd;                /* 1: try posta-injectd first ($QMAILQUEUE unset) */
  char const *remoteip;       /* the environment tcpserver and tcprules give */
  char const *remotehost;
  char const *localip;
  char const *relayclient;    /* 0 when not set */
  smtpd_tls tls;              /* posta-tlsd's control, or TLS on already */
  smtpd_auth auth;            /* AUTH's settings and the login */
  /* the session */
  char helo[SMTPD_HELO_MAX + 1];
  int greeted;                /* 0 not yet, 1 HELO, 2 EHLO */
  unsigned errors;            /* failed commands */
  unsigned refused;           /* refused recipients */
  unsigned badrcpt;           /* those refused for good (5xx) */
  int quit;                   /* the session ends after this command */
  int linger;                 /* it ends on an error: let the client read it */
  /* the transaction */
  int inmail;
  unsigned mailopts;          /* SMTPD_MAIL_* */
  char sender[ADDR_MAX + 1];
  size_t sender_len;
  char *rcpts;                /* "T" address NUL, one after the other */
  size_t rcpts_len;
  size_t rcpts_a;
  size_t nrcpt;
};

/* smtpd_session.c */
/* Reads the settings and the environment; the client is on descriptors in
 * and out. 0, or -1 with errno. */
int smtpd_session_init(smtpd *, smtpd_exists_func *, int in, int out);
void smtpd_session_free(smtpd *);
/* Runs the session to its end: greeting, commands, QUIT or the client gone. */
void smtpd_session_run(smtpd *);
/* Forgets the current transaction (RSET, HELO, after DATA). */
void smtpd_session_reset(smtpd *);
/* The next command line (for AUTH's answers): LINE_DONE with the line in
 * s->line, LINE_TOOLONG, LINE_BARE, or a negative value at end of file or
 * on an error. Writes out the queued replies before it waits. */
int smtpd_session_next_line(smtpd *);
/* Ends the session after such a negative value or LINE_BARE, saying why
 * when the client can still hear. */
void smtpd_session_lost(smtpd *, int why);
/* The log line and the 421 of a session that ends on a bare CR or LF
 * (bare) or a timeout in "a command" or "DATA" (in). */
void smtpd_session_closing(smtpd *, int bare, char const *in);

/* smtpd_reply.c */
/* One reply line: the parts are joined and CRLF added. */
void smtpd_reply_parts(smtpd *, char const *const *, unsigned);
#define smtpd_reply(s, ...) smtpd_reply_parts((s), (char const *const[]){ __VA_ARGS__ }, \
    sizeof((char const *const[]){ __VA_ARGS__ }) / sizeof(char const *))
/* A reply to a command that failed: counted; too many end the session. */
void smtpd_reply_failv(smtpd *, char const *const *, unsigned);
#define smtpd_fail(s, ...) smtpd_reply_failv((s), (char const *const[]){ __VA_ARGS__ }, \
    sizeof((char const *const[]){ __VA_ARGS__ }) / sizeof(char const *))
/* A refused recipient: counted apart; control/maxrcpt of them end the
 * session. A permanent refusal (5xx) counts also as a bad recipient: those
 * after the first SMTPD_BADRCPT_FREE wait longer and longer before the
 * reply (control/badrcptdelay more each, at most SMTPD_BADRCPT_DELAY_MAX
 * seconds), to slow down whoever collects which mailboxes exist. */
void smtpd_reply_refusev(smtpd *, char const *const *, unsigned);
#define smtpd_refuse(s, ...) smtpd_reply_refusev((s), (char const *const[]){ __VA_ARGS__ }, \
    sizeof((char const *const[]){ __VA_ARGS__ }) / sizeof(char const *))
/* 1 when the session had control/maxbadrcpt bad recipients already: then
 * it is ended with 421 (the caller goes no further). */
int smtpd_reply_badrcpt_over(smtpd *);
/* Text from the network goes into header comments and log lines through
 * esc_str(out, size, in, ESC_WORD) (common/esc.h): every octet outside
 * 0x21..0x7e, and ( ) [ ] \ ; replaced by '?'. The same for a HELO name,
 * but an address literal ("[192.0.2.1]",
 * "[IPv6:...]"), valid as RFC 5321 4.1.3 says, is kept whole. */
void smtpd_reply_clean_helo(char *out, size_t outsize, char const *in);

/* smtpd_cmd.c */
/* Runs one command line (NUL-terminated, CRLF removed). */
void smtpd_cmd_dispatch(smtpd *, char *line, size_t len);

/* smtpd_mail.c, smtpd_rcpt.c, smtpd_datacmd.c: the handlers */
void smtpd_mail_cmd(smtpd *, char *arg, size_t len);
void smtpd_rcpt_cmd(smtpd *, char *arg, size_t len);
void smtpd_datacmd_run(smtpd *, char *arg, size_t len);
/* smtpd_tls.c, smtpd_auth.c */
void smtpd_tls_cmd(smtpd *, char *arg, size_t len);
void smtpd_auth_cmd(smtpd *, char *arg, size_t len);
/* 1 when AUTH may be offered now. */
int smtpd_auth_offer(smtpd const *);
/* Before MAIL in submission mode: 1 go on, 0 refused (replied). */
int smtpd_auth_mail(smtpd *);
/* After MAIL's syntax: 1 when the sender is the authenticated user's (or
 * there is none), 0 refused (replied). */
int smtpd_auth_sender(smtpd *, char const *sender);
/* The decision on one full recipient address (local@domain, RELAYCLIENT
 * appended): 0 to take it, else the refusal reply. */
char const *smtpd_rcpt_verdict(smtpd *, char const *address);

#endif
