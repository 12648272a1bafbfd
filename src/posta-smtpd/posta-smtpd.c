/* posta-smtpd: the SMTP server for one connection, under tcpserver.
 *
 * stdin and stdout are the client's socket; the environment comes from
 * tcpserver (TCPREMOTEIP...) and tcprules (RELAYCLIENT). Works in the
 * instance's home ($POSTA_HOME, else conf-home). -s: the submission port
 * (587, 465), where MAIL needs AUTH. Exits 0 when the session
 * ends, 111 when its settings cannot be read (after a 421 to the client),
 * 100 on wrong usage.
 *
 * A reader's map: the files of this folder in the order a message meets them.
 *
 *   smtpd_session.c   the session: settings (smtpd_config.c, smtpd_policy.c,
 *                     smtpd_auth.c's), then the loop: replies written out
 *                     (smtpd_reply.c), input read (smtpd_io.c), cut into
 *                     command lines (smtpd_line.c).
 *   smtpd_cmd.c       the command table; HELO, EHLO, RSET, NOOP, QUIT.
 *   smtpd_tls.c       STARTTLS, asked of posta-tlsd.
 *   smtpd_auth.c      AUTH: the base64 (smtpd_b64.c), the checkpassword run
 *                     (smtpd_authpw.c), the failures counted per client
 *                     address (smtpd_authfail.c).
 *   smtpd_mail.c      MAIL: its parameters (smtpd_param.c), badmailfrom
 *                     (smtpd_policy.c), an authenticated login's senders
 *                     (smtpd_authsend.c), the queue's free space.
 *   smtpd_rcpt.c      RCPT: rcpthosts (smtpd_policy.c), a local mailbox
 *                     (src/sk/lookup.c).
 *   smtpd_datacmd.c   DATA: starts the injector (smtpd_queue.c), gives it
 *                     the Received line (smtpd_received.c) and the message
 *                     as smtpd_data.c cleans it, then the envelope; 250 once
 *                     the injector exited 0.
 *
 * smtpd.h holds the session all of them are handed. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/home.h"
#include "common/nodump.h"
#include "posta-smtpd/smtpd.h"
#include "sk/lookup.h"

#define USAGE "posta-smtpd [-s] (run by tcpserver; -s: submission, MAIL needs AUTH)"

int main(int argc, char const *const *argv)
{
  static smtpd s;
  int submission = 0;
  PROG = "posta-smtpd";
  /* before the first byte from the client: another session of posta-d
   * must not read this one (common/nodump.h) */
  if (nodump() < 0) strerr_diefusys(111, "make the process undumpable");
  if (argc == 2 && !strcmp(argv[1], "-s")) submission = 1;
  else if (argc > 1) strerr_dieusage(100, USAGE);
  /* a dead injector is a write error, not a signal; and its exit code must
   * be ours to read, whatever the super-server left ignored */
  signal(SIGPIPE, SIG_IGN);
  signal(SIGCHLD, SIG_DFL);
  char const *home = home_get();
  if (chdir(home) < 0) {
    write(1, "421 4.3.0 unable to find the mail system's home\r\n", 50);
    strerr_diefusys(111, "chdir to ", home);
  }
  if (smtpd_init(&s, lookup_exists, 0, 1) < 0) {
    write(1, "421 4.3.0 unable to read the settings\r\n", 39);
    strerr_diefusys(111, "read settings in ", home, "/control");
  }
  s.auth.submission = submission;
  smtpd_run(&s);
  smtpd_free(&s);
  return 0;
}
