/* posta-qflush: has posta-send try messages now (every one without an id).
 *
 *   posta-qflush [ -t seconds ] [ id... | all ]
 *
 * Leaves a request for posta-send in queue/cmd/ and waits for posta-send to
 * take it (src/sk/qmark.h); never writes a message's records. Runs as root
 * or posta-s. See posta-qflush(8). */
#include <errno.h>
#include <unistd.h>

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/cmdrec.h"
#include "common/home.h"
#include "sk/qmark.h"
#include "sk/qscan.h"

#define USAGE "posta-qflush [ -t seconds ] [ id... | all ]"
#define dieusage() strerr_dieusage(100, USAGE)

int main(int argc, char const *const *argv)
{
  static char const *const all[] = { "all", 0 };
  char const *home = home_get();
  unsigned wait = QMARK_WAIT_DEFAULT;
  char op = CMDREC_FLUSH;
  subgetopt l = SUBGETOPT_ZERO;
  PROG = "posta-qflush";
  for (;;) {
    int opt = subgetopt_r(argc, argv, "t:", &l);
    if (opt == -1) break;
    switch (opt) {
      case 't': { size_t k = uint0_scan(l.arg, &wait); if (!k || l.arg[k]) dieusage(); break; }
      default: dieusage();
    }
  }
  argv += l.ind;
  if (!argv[0]) argv = all;   /* no id: every message */
  if (chdir(home) < 0) strerr_diefusys(111, "change to the home folder ", home);
  if (qscan_allowed() < 0) {
    if (errno == EPERM) strerr_dief(100, "only root and posta-s may change the queue");
    strerr_diefusys(111, "look at the instance in ", home);
  }
  return qmark_run(op, argv, wait);
}
