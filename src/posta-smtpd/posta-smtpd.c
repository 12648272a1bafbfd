/* posta-smtpd: the SMTP server, for one connection or as a pool's worker.
 *
 * One connection (tcpserver, inetd, a pipeline): stdin and stdout are the
 * client's socket; the environment comes from tcpserver (TCPREMOTEIP...)
 * and tcprules (RELAYCLIENT). -w: a worker of posta-smtpdpool, its socket
 * on descriptor 0, serving one connection after another
 * (smtpd_worker.h). Works in the instance's home ($POSTA_HOME, else
 * conf-home). -s: the submission port (587, 465), where MAIL needs AUTH.
 * Exits 0 when the session (or the pool) ends, 111 when its settings cannot
 * be read (after a 421 to the client), 100 on wrong usage.
 *
 * A reader's map: the files of this folder in the order a message meets them.
 *
 *   smtpd_worker.c    -w: a connection from posta-smtpdpool, its variables,
 *                     a fresh session each time, wiped after.
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
 *   smtpd_datacmd.c   DATA: opens the injector (smtpd_queue.c: posta-injectd's
 *                     socket through smtpd_injd.c, else posta-queue run),
 *                     gives it the Received line (smtpd_received.c) and the
 *                     message as smtpd_data.c cleans it, then the envelope;
 *                     250 once the injector said 0.
 *
 * smtpd.h holds the session all of them are handed. */
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>

#include "common/home.h"
#include "common/nodump.h"
#include "posta-smtpd/smtpd.h"
#include "posta-smtpd/smtpd_worker.h"
#include "sk/lookup.h"

#define USAGE "posta-smtpd [-s] [-w] (run by tcpserver, or by posta-smtpdpool with -w; -s: submission, MAIL needs AUTH)"

/* The pool's socket away from 0, where a child would find it. */
static int worker_socket(void)
{
  int ctl = fcntl(0, F_DUPFD_CLOEXEC, 10);
  int null = open("/dev/null", O_RDONLY);
  if (ctl < 0 || null < 0 || dup2(null, 0) < 0) strerr_diefu1sys(111, "move the pool's socket");
  if (null) close(null);
  return ctl;
}

int main(int argc, char const *const *argv)
{
  static smtpd s;
  subgetopt l = SUBGETOPT_ZERO;
  int submission = 0, worker = 0;
  PROG = "posta-smtpd";
  /* before the first byte from the client: another session of posta-d
   * must not read this one (common/nodump.h) */
  if (nodump() < 0) strerr_diefusys(111, "make the process undumpable");
  for (int opt; (opt = subgetopt_r(argc, argv, "sw", &l)) != -1;) {
    if (opt == 's') submission = 1;
    else if (opt == 'w') worker = 1;
    else strerr_dieusage(100, USAGE);
  }
  if (l.ind != argc) strerr_dieusage(100, USAGE);
  /* a dead injector is a write error, not a signal; and its exit code must
   * be ours to read, whatever the super-server left ignored */
  signal(SIGPIPE, SIG_IGN);
  signal(SIGCHLD, SIG_DFL);
  char const *home = home_get();
  if (chdir(home) < 0) {
    if (!worker) write(1, "421 4.3.0 unable to find the mail system's home\r\n", 50);
    strerr_diefusys(111, "chdir to ", home);
  }
  if (worker) {
    if (smtpd_worker_run(worker_socket(), submission) < 0) strerr_diefu1sys(111, "read from the pool's socket");
    return 0;
  }
  if (smtpd_session_init(&s, lookup_exists, 0, 1) < 0) {
    write(1, "421 4.3.0 unable to read the settings\r\n", 39);
    strerr_diefusys(111, "read settings in ", home, "/control");
  }
  s.auth.submission = submission;
  smtpd_session_run(&s);
  smtpd_session_free(&s);
  return 0;
}
