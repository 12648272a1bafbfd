/* posta-tlsd: TLS between the client's socket and posta-smtpd.
 *
 * posta-tlsd -w: a long-lived worker of posta-smtpdpool, started by it as
 * root, relaying for one connection after another (tlsd_worker.c).
 *
 * posta-tlsd [-i] PROG [ARGS...], run by tcpserver (as root, so that it
 * can read the key; it becomes $UID/$GID before it reads from the client).
 * Without -i, PROG may start TLS with STARTTLS (POSTA_TLSFD); with -i, TLS
 * starts at once (port 465) and PROG finds SSL_PROTOCOL and SSL_CIPHER.
 * Without a usable control/servercert.pem, and without -i, it only drops
 * its privileges and becomes PROG (a broken certificate is logged: port
 * 25 takes mail in plain text rather than none). Exits 0 when the session is over, 100 on
 * wrong usage, 111 on a system error. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>

#include "common/home.h"
#include "posta-tlsd/tlsd.h"

#define USAGE "posta-tlsd [-i] prog... | posta-tlsd -w"

int main(int argc, char const *const *argv)
{
  static tlsd t;
  subgetopt l = SUBGETOPT_ZERO;
  int worker = 0;
  PROG = "posta-tlsd";
  for (int opt; (opt = subgetopt_r(argc, argv, "iw", &l)) != -1;) {
    if (opt == 'i') t.implicit = 1;
    else if (opt == 'w') worker = 1;
    else strerr_dieusage(100, USAGE);
  }
  argc -= l.ind;
  argv += l.ind;
  if (worker ? argc != 0 : argc < 1 || argv[0][0] != '/') strerr_dieusage(100, USAGE " (prog: an absolute path)");
  signal(SIGPIPE, SIG_IGN);
  char const *home = home_get();
  if (chdir(home) < 0) strerr_diefu2sys(111, "chdir to ", home);
  if (worker) {
    int cert = tlsd_conf_load(&t);
    tlsd_drop();
    return tlsd_worker_run(&t, cert);
  }
  t.netin = 0;
  t.netout = 1;
  t.ctl = -1;
  tlsd_client_ip(&t);
  int cert = tlsd_conf_load(&t);
  if (cert <= 0 && t.implicit) strerr_dief1x(111, "no usable control/servercert.pem: no TLS to offer");
  /* port 25 takes mail without TLS rather than none at all */
  if (cert < 0) strerr_warnw1x("offering no STARTTLS in this session");
  tlsd_drop();
  if (cert <= 0) {
    tlsd_clear_env();
    execv(argv[0], (char *const *)argv);
    strerr_diefu2sys(111, "execute ", argv[0]);
  }
  tlsd_net_nonblock(&t);
  if (t.implicit && tlsd_handshake(&t) < 0) return 0;
  tlsd_spawn(&t, argv, !t.implicit);
  tlsd_relay(&t);
  tlsd_reap(&t);
  return 0;
}
