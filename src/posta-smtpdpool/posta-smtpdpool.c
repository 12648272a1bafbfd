/* posta-smtpdpool: the SMTP listener, with a pool of posta-smtpd workers.
 *
 * posta-smtpdpool [-c max] [-x rules.cdb] [-m minspare] [-M maxspare]
 *   [-t tlsd | -i tlsd] addr port prog...
 * Binds addr:port (as root, for port 25), becomes $UID/$GID
 * (s6-envuidgid) and undumpable, and from then on never runs as root. Each
 * connection: tcpserver's variables and the rules of the cdb (pool_rules.c,
 * pool_net.c), the limits, then the socket to an idle worker, prog... (a
 * posta-smtpd -w) started ahead of need (pool_worker.c), which serves it
 * and the next ones (posta-smtpd's smtpd_worker.c). The settings are read
 * from control/ in the home ($POSTA_HOME, else conf-home) when it starts:
 * concurrencyincoming (-c overrides it), concurrencyperip, smtpdmaxuse.
 * -t tlsd: STARTTLS is offered with control/servercert.pem; -i tlsd:
 * implicit TLS (port 465). tlsd, an absolute path to posta-tlsd, is run as
 * tlsd -w by the keeper, forked while root before the drop
 * (pool_keeper.c): the key is read as root by the TLS workers alone, never
 * by a process that parses SMTP (pool_tls.c).
 * Runs until killed; exits 100 on wrong usage, 111 on a system error. */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/control.h"
#include "common/envuid.h"
#include "common/home.h"
#include "common/nodump.h"
#include "posta-smtpdpool/pool.h"

#define USAGE "posta-smtpdpool [-c max] [-x rules.cdb] [-m minspare] [-M maxspare] [-t tlsd | -i tlsd] addr port prog..."

static unsigned setting(char const *fn, unsigned long dflt)
{
  unsigned long v;
  if (control_ulong(fn, &v, dflt) < 0) strerr_diefu2sys(111, "read ", fn);
  return v > POOL_MAX_HARD ? POOL_MAX_HARD : (unsigned)v;
}

static unsigned number(char const *s)
{
  unsigned v;
  if (!uint0_scan(s, &v)) strerr_dieusage(100, USAGE);
  return v > POOL_MAX_HARD ? POOL_MAX_HARD : v;
}

int main(int argc, char const *const *argv)
{
  static pool p;
  subgetopt l = SUBGETOPT_ZERO;
  unsigned max = 0, minspare = POOL_MINSPARE_DEFAULT, maxspare = POOL_MAXSPARE_DEFAULT;
  PROG = "posta-smtpdpool";
  for (int opt; (opt = subgetopt_r(argc, argv, "c:x:m:M:t:i:", &l)) != -1;) {
    if (opt == 'c') max = number(l.arg);
    else if (opt == 'x') p.rules = l.arg;
    else if (opt == 'm') minspare = number(l.arg);
    else if (opt == 'M') maxspare = number(l.arg);
    else if (opt == 't' || opt == 'i') {
      p.tls.mode = opt == 't' ? 'S' : 'I';
      p.tls.prog = l.arg;
      if (l.arg[0] != '/') strerr_dieusage(100, USAGE " (tlsd: an absolute path)");
    }
    else strerr_dieusage(100, USAGE);
  }
  argc -= l.ind;
  argv += l.ind;
  if (argc < 3 || argv[2][0] != '/') strerr_dieusage(100, USAGE " (prog: an absolute path)");
  char const *home = home_get();
  if (chdir(home) < 0) strerr_diefu2sys(111, "chdir to ", home);
  p.max = max ? max : setting("control/concurrencyincoming", POOL_MAX_DEFAULT);
  if (!p.max) p.max = POOL_MAX_DEFAULT;
  p.perip = setting("control/concurrencyperip", POOL_PERIP_DEFAULT);
  p.maxuse = setting("control/smtpdmaxuse", POOL_MAXUSE_DEFAULT);
  if (!p.maxuse) p.maxuse = POOL_MAXUSE_DEFAULT;
  p.minspare = minspare > p.max ? p.max : minspare;
  p.maxspare = maxspare < p.minspare ? p.minspare : maxspare;
  p.argv = argv + 2;
  /* the one thing root is needed for */
  p.lfd = pool_listen(argv[0], argv[1], p.max);
  /* the one process that stays root, to start the TLS workers */
  if (p.tls.mode) p.tls.keeper = pool_keeper_start(&p, p.tls.prog);
  if (envuid_drop() < 0) strerr_diefu1sys(111, "drop privileges to $UID and $GID (s6-envuidgid)");
  if (nodump() < 0) strerr_diefu1sys(111, "make the process undumpable");
  signal(SIGPIPE, SIG_IGN);
  signal(SIGCHLD, SIG_DFL);
  p.w = calloc(p.max, sizeof *p.w);
  p.tls.w = calloc(p.max, sizeof *p.tls.w);
  if (!p.w || !p.tls.w) strerr_diefu1sys(111, "allocate the worker table");
  pool_loop(&p);
  return 111;
}
