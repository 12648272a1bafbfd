/* inst: the install table. See inst.h.
 *
 * Owners follow doc/queue.md: posta-q owns what posta-queue writes, posta-s
 * what posta-send writes; group posta may read the queue, nobody else can. */
#include "common/inst.h"

#include <string.h>

#define R INST_ROOT
#define GP INST_GPOSTA
#define GN INST_GNOFILES

static char const tcp_smtp[] =
  "# tcprules for posta-smtpd: ADDRESS:allow|deny[,VAR=\"value\"...]\n"
  "# RELAYCLIENT=\"\" lets a client relay. Rebuild the cdb with\n"
  "#   tcprules control/tcp.smtp.cdb control/tcp.smtp.tmp < control/tcp.smtp\n"
  "127.:allow,RELAYCLIENT=\"\"\n"
  "::1:allow,RELAYCLIENT=\"\"\n"
  ":allow\n";

static char const tcp_submission[] =
  "# tcprules for the submission services (ports 587 and 465). A client must\n"
  "# authenticate (SMTP AUTH, over TLS) before MAIL; one given RELAYCLIENT\n"
  "# here (a webmail on this host, say) may submit without it:\n"
  "#   127.0.0.1:allow,RELAYCLIENT=\"\"\n"
  ":allow\n";

static char const alias_maildir[] = "./Maildir/\n";

inst_entry const inst_table[] = {
  { "", INST_DIR, R, R, 0755, 0 },

  { "bin", INST_DIR, R, R, 0755, 0 },
  { "bin/posta-queue", INST_PROG, ROLE_Q, GP, 06711, 0 },
  { "bin/posta-injectd", INST_PROG, R, R, 0700, 0 },
  { "bin/posta-setup", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-smtpd", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-smtpdpool", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-send", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-start", INST_PROG, R, R, 0700, 0 },
  { "bin/posta-clean", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-lspawn", INST_PROG, R, R, 0700, 0 },
  { "bin/posta-local", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-rspawn", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-remote", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-bounce", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-inject", INST_PROG, R, R, 0755, 0 },
  { "bin/sendmail", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-qstat", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-qread", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-newu", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-user", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-tlsd", INST_PROG, R, R, 0755, 0 },
  /* setuid posta-v, to read mailboxes/.passwd; only posta-d (the SMTP front
   * end, alone in its group) runs it: to any other uid a password oracle */
  { "bin/posta-checkpw", INST_PROG, ROLE_V, ROLE_D, 04710, 0 },
  { "bin/posta-qhold", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-qrm", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-qflush", INST_PROG, R, R, 0755, 0 },
  { "bin/posta-showctl", INST_PROG, R, R, 0755, 0 },

  { "control", INST_DIR, R, R, 0755, 0 },
  { "control/tcp.smtp", INST_FILE, R, R, 0644, tcp_smtp },
  { "control/tcp.submission", INST_FILE, R, R, 0644, tcp_submission },

  { "users", INST_DIR, R, R, 0755, 0 },
  { "users/assign", INST_FILE, R, R, 0644, ".\n" },

  { "alias", INST_DIR, ROLE_ALIAS, GN, 0755, 0 },
  { "alias/.qmail-postmaster", INST_FILE, ROLE_ALIAS, GN, 0644, alias_maildir },
  { "alias/.qmail-mailer-daemon", INST_FILE, ROLE_ALIAS, GN, 0644, alias_maildir },
  { "alias/.qmail-root", INST_FILE, ROLE_ALIAS, GN, 0644, alias_maildir },
  { "alias/Maildir", INST_DIR, ROLE_ALIAS, GN, 0700, 0 },
  { "alias/Maildir/tmp", INST_DIR, ROLE_ALIAS, GN, 0700, 0 },
  { "alias/Maildir/new", INST_DIR, ROLE_ALIAS, GN, 0700, 0 },
  { "alias/Maildir/cur", INST_DIR, ROLE_ALIAS, GN, 0700, 0 },

  { "mailboxes", INST_DIR, ROLE_V, GN, 0755, 0 },
  { "remote", INST_DIR, ROLE_R, GN, 0700, 0 },
  /* posta-smtpd's own: the AUTH failures of client addresses (authfail) */
  { "smtpd", INST_DIR, ROLE_D, GN, 0700, 0 },
  /* posta-injectd's socket: only posta-q (its owner) and posta-d (every
   * SMTP service, submission's too) may reach it */
  { "injectd", INST_DIR, ROLE_Q, ROLE_D, 0750, 0 },

  { "queue", INST_DIR, ROLE_Q, GP, 0750, 0 },
  { "queue/lock", INST_DIR, ROLE_Q, GP, 0750, 0 },
  { "queue/lock/trigger", INST_FIFO, ROLE_S, GP, 0622, 0 },
  { "queue/lock/sendmutex", INST_FILE, ROLE_S, GP, 0600, 0 },
  { "queue/pid", INST_DIR, ROLE_Q, GP, 0700, 0 },
  { "queue/mess", INST_SPLITDIR, ROLE_Q, GP, 0750, 0 },
  { "queue/intd", INST_SPLITDIR, ROLE_Q, GP, 0700, 0 },
  { "queue/todo", INST_SPLITDIR, ROLE_Q, GP, 0750, 0 },
  { "queue/info", INST_SPLITDIR, ROLE_S, GP, 0700, 0 },
  { "queue/local", INST_SPLITDIR, ROLE_S, GP, 0700, 0 },
  { "queue/remote", INST_SPLITDIR, ROLE_S, GP, 0700, 0 },
  { "queue/bounce", INST_SPLITDIR, ROLE_S, GP, 0700, 0 },
  { "queue/delay", INST_SPLITDIR, ROLE_S, GP, 0700, 0 },
  { "queue/cmd", INST_DIR, ROLE_S, GP, 0700, 0 },

  { "svc", INST_DIR, R, R, 0755, 0 },
  /* dovecot.conf, written by posta-setup (doc/mailhost.md); Dovecot makes
   * run/ and state/ itself */
  { "dovecot", INST_DIR, R, R, 0755, 0 },
  { "log", INST_DIR, R, R, 0755, 0 },
  /* logs carry addresses, client IPs and logins: root and posta-l only
   * (posta-l's group is every other user's); the log/run scripts set
   * umask 077, and posta-setup tightens the files already there */
  { "log/posta-send", INST_DIR, ROLE_L, GN, 0700, 0 },
  { "log/posta-smtpd", INST_DIR, ROLE_L, GN, 0700, 0 },
  { "log/posta-submission", INST_DIR, ROLE_L, GN, 0700, 0 },
  { "log/posta-smtps", INST_DIR, ROLE_L, GN, 0700, 0 },
  { "log/posta-injectd", INST_DIR, ROLE_L, GN, 0700, 0 },
  /* Dovecot's log process writes it as root */
  { "log/dovecot", INST_DIR, R, R, 0700, 0 },
};

unsigned const inst_table_len = sizeof inst_table / sizeof inst_table[0];

uid_t inst_uid(inst_entry const *e, roles const *r)
{
  if (r->single) return r->uid[ROLE_Q];
  return e->owner == INST_ROOT ? 0 : r->uid[e->owner];
}

gid_t inst_gid(inst_entry const *e, roles const *r)
{
  if (r->single) return r->gid[ROLE_Q];
  switch (e->group) {
    case INST_ROOT: return 0;
    case INST_GPOSTA: return r->gid_posta;
    case INST_GNOFILES: return r->gid_nofiles;
    default: return r->gid[e->group];
  }
}

mode_t inst_mode(inst_entry const *e, roles const *r)
{
  return r->single ? (e->mode & 07777 & ~(mode_t)06000) : (e->mode & 07777);
}

inst_entry const *inst_find(char const *path)
{
  for (unsigned i = 0; i < inst_table_len; i++)
    if (!strcmp(inst_table[i].path, path)) return &inst_table[i];
  return 0;
}
