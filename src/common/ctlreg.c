/* ctlreg: the settings registry. See ctlreg.h. The defaults are those of
 * doc/ (CONTRACT.md's table, the man pages); the users are the programs
 * whose sources name the file (tests/unit/test_ctlreg.c checks both ways). */
#include "common/ctlreg.h"

#include <string.h>

#define N CTLREG_NUMBER
#define L CTLREG_LINE
#define S CTLREG_LIST
#define C CTLREG_CDB
#define T CTLREG_RULES
#define INJ "posta-inject sendmail"

ctlreg_entry const ctlreg_table[] = {
  /* names */
  { "me", L, "localhost", "posta-setup posta-showctl posta-send posta-smtpd posta-remote posta-bounce posta-user " INJ,
    "this host's name (posta-setup writes it); the default of the names below" },
  { "defaulthost", L, CTLREG_ME, INJ, "host added to an address without one ($QMAILDEFAULTHOST first)" },
  { "defaultdomain", L, CTLREG_ME, "posta-setup " INJ, "domain added to a host name without a dot, unless local, localhost or itself; none when it has no dot ($QMAILDEFAULTDOMAIN first)" },
  { "plusdomain", L, CTLREG_ME, INJ, "domain added to a host name ending in + ($QMAILPLUSDOMAIN first)" },
  { "idhost", L, CTLREG_ME, INJ, "host part of the Message-ID posta-inject adds ($QMAILIDHOST first)" },
  { "helohost", L, CTLREG_ME, "posta-remote", "the name posta-remote gives in EHLO" },
  { "smtpgreeting", L, CTLREG_ME, "posta-smtpd", "the text of posta-smtpd's 220 greeting" },

  /* where mail goes */
  { "locals", S, CTLREG_ME, "posta-setup posta-send posta-smtpd posta-bounce posta-user " INJ,
    "domains delivered here, to users/assign and system accounts" },
  { "virtualdomains", S, 0, "posta-send posta-smtpd posta-bounce " INJ,
    "DOMAIN:PREFIX lines: domains delivered here as PREFIX-LOCAL (qmail's meaning)" },
  { "rcpthosts", S, 0, "posta-setup posta-smtpd posta-user",
    "domains posta-smtpd accepts mail for from any client; others need RELAYCLIENT" },
  { "morercpthosts.cdb", C, 0, "posta-smtpd", "more rcpthosts, as a cdb" },
  { "smtproutes", S, 0, "posta-remote", "DOMAIN:RELAY[:PORT] lines: where to send instead of the MX (smtproutes(5))" },
  { "moreipme", S, 0, "posta-remote",
    "ADDRESS or ADDRESS/BITS lines: more addresses of this host, never connected to for an MX or a literal" },
  { "defaultdelivery", L, "./Maildir/", "posta-lspawn posta-local",
    "delivery for a mailbox without a .qmail file (dot-qmail(5) syntax)" },

  /* what posta-smtpd and posta-queue accept */
  { "databytes", N, "0", "posta-smtpd posta-queue posta-injectd", "largest message accepted, in bytes; 0: no limit" },
  { "maxrcpt", N, "1000", "posta-smtpd posta-queue posta-injectd", "recipients accepted per message" },
  { "maxline", N, "1000", "posta-smtpd", "longest line of a message posta-smtpd accepts, in bytes; 0: no limit" },
  { "queueminfree", N, "10485760", "posta-smtpd posta-queue posta-injectd",
    "bytes that must stay free in the queue's file system (and at least 2 x databytes), else 452" },
  { "injecttimeout", N, "3600", "posta-injectd",
    "seconds posta-injectd waits for a client that is silent in the middle of a message (0: the default; at most 86400)" },
  { "badmailfrom", S, 0, "posta-smtpd", "envelope senders refused: ADDRESS or @DOMAIN lines" },
  { "timeoutsmtpd", N, "1200", "posta-smtpd posta-tlsd", "seconds posta-smtpd (and posta-tlsd) waits for a client" },
  { "maxbadrcpt", N, "10", "posta-smtpd",
    "recipients refused for good (5xx) in one SMTP session; the next RCPT gets 421 and the end; 0: no limit" },
  { "badrcptdelay", N, "1", "posta-smtpd",
    "seconds more of wait before each refused recipient after the third of a session (at most 10 each); 0: none" },

  /* TLS and AUTH (doc/tls.md) */
  { "servercert.pem", L, 0, "posta-tlsd posta-smtpdpool posta-showctl posta-setup svc/posta-smtpd svc/posta-submission svc/posta-smtps",
    "PEM: the server's certificate chain, and its key unless serverkey.pem exists (root's, 0600); none: no TLS" },
  { "serverkey.pem", L, 0, "posta-tlsd posta-smtpdpool posta-showctl posta-setup", "PEM: the server's private key, when not in servercert.pem (root's, 0600)" },
  { "authinsecure", N, "0", "posta-smtpd", "not 0: SMTP AUTH offered without TLS (tests only)" },
  { "checkpassword", L, "bin/posta-checkpw", "posta-smtpd",
    "the checkpassword program (and its arguments) that checks AUTH's login and password" },
  { "authsenders", S, 0, "posta-smtpd",
    "LOGIN ADDRESS lines: more senders for an authenticated login (ADDRESS, @DOMAIN or *)" },
  { "authfailmax", N, "10", "posta-smtpd",
    "AUTH failures from one client address (IPv6: its /64), all sessions, within authfailwindow; 0: no limit" },
  { "authfailwindow", N, "600", "posta-smtpd", "seconds over which authfailmax failures are counted" },
  { "authfailpenalty", N, "900", "posta-smtpd",
    "seconds an address that reached authfailmax gets 454 to AUTH, no password checked" },
  { "tlsdestinations", S, 0, "posta-remote", "DOMAIN [ca=FILE] [name=NAME,...] lines: domains (or .suffixes) whose mail goes with verified TLS or not at all" },

  /* the SMTP services */
  { "smtplisten", L, "0.0.0.0 25", "posta-setup svc/posta-smtpd", "ADDRESS PORT the SMTP service listens on" },
  { "submissionlisten", L, "0.0.0.0 587", "posta-setup svc/posta-submission",
    "ADDRESS PORT the submission service listens on" },
  { "smtpslisten", L, "0.0.0.0 465", "posta-setup svc/posta-smtps",
    "ADDRESS PORT the submission service with implicit TLS listens on" },
  { "concurrencyincoming", N, "100", "posta-smtpdpool svc/posta-smtpd svc/posta-submission svc/posta-smtps",
    "SMTP connections at once, per service (posta-smtpdpool's workers at most, tcpserver -c; read when the service starts)" },
  { "concurrencyperip", N, "50", "posta-smtpdpool svc/posta-smtpd svc/posta-submission svc/posta-smtps",
    "SMTP connections at once from one client address, per service; more get 421; clients with RELAYCLIENT exempt; 0: no limit (read when the service starts)" },
  { "smtpdmaxuse", N, "100", "posta-smtpdpool svc/posta-smtpd svc/posta-submission svc/posta-smtps",
    "SMTP sessions one posta-smtpd worker (and one posta-tlsd -w TLS worker) serves before it is replaced; 0: the default (read when the service starts)" },
  { "tcp.smtp", T, 0, "posta-setup svc/posta-smtpd",
    "tcprules of the SMTP service (RELAYCLIENT); compiled into tcp.smtp.cdb when the service starts" },
  { "tcp.smtp.cdb", C, 0, "posta-setup posta-smtpdpool svc/posta-smtpd", "tcp.smtp compiled: what posta-smtpdpool (or tcpserver) reads" },
  { "tcp.submission", T, 0, "posta-setup svc/posta-submission svc/posta-smtps",
    "tcprules of the submission services (587, 465): RELAYCLIENT here spares a client AUTH" },
  { "tcp.submission.cdb", C, 0, "posta-setup svc/posta-submission svc/posta-smtps", "tcp.submission compiled" },

  /* the queue manager and delivery */
  { "concurrencylocal", N, "10", "posta-send posta-lspawn", "local deliveries at once (raising it takes a restart)" },
  { "concurrencyremote", N, "20", "posta-send posta-rspawn", "remote deliveries at once (raising it takes a restart)" },
  { "concurrencydomain", N, "10", "posta-send", "remote deliveries at once to one domain" },
  { "concurrencymailbox", N, "5", "posta-send",
    "local deliveries at once to one mailbox (local part up to its first '-', and domain)" },
  { "localmaxuse", N, "100", "posta-lspawn",
    "deliveries one virtual-mailbox worker makes before it is replaced; 0: no workers, a child per delivery "
    "(read at start)" },
  { "timeoutlocal", N, "3600", "posta-local",
    "seconds the programs of one local delivery may run; then their process group is killed, the delivery deferred" },
  { "retryschedule", S, "60 300 600 1200 1800 3600", "posta-send",
    "seconds between attempts, one a line, the last repeating" },
  { "queuelifetime", N, "432000", "posta-send posta-bounce",
    "seconds a message is retried; then its pending recipients bounce" },
  { "delaywarning", N, "14400", "posta-send",
    "seconds after arrival when the sender gets a delay notice; 0: none" },
  { "timeoutconnect", N, "60", "posta-remote", "seconds posta-remote waits for a connection" },
  { "timeoutremote", N, "1200", "posta-remote", "seconds posta-remote waits for a remote server's reply" },
  { "timeoutdns", N, "60", "posta-remote", "seconds posta-remote waits for each DNS answer" },

  /* notices */
  { "bouncefrom", L, "MAILER-DAEMON", "posta-bounce", "local part (or whole address) that notices come from" },
  { "bouncehost", L, CTLREG_ME, "posta-bounce", "domain that notices come from" },
  { "doublebounceto", L, "postmaster", "posta-bounce",
    "where a notice that cannot be delivered goes; empty: dropped" },
  { "doublebouncehost", L, CTLREG_ME, "posta-bounce", "domain of doublebounceto" },
  { "bouncemaxbytes", N, "102400", "posta-bounce", "bytes of the original message a failure notice quotes" },
};

unsigned const ctlreg_len = sizeof ctlreg_table / sizeof ctlreg_table[0];

ctlreg_entry const *ctlreg_find(char const *name)
{
  for (unsigned i = 0; i < ctlreg_len; i++)
    if (!strcmp(ctlreg_table[i].name, name)) return &ctlreg_table[i];
  return 0;
}
