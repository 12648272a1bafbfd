/* qmarktool: what posta-qhold, posta-qrm and posta-qflush do around
 * qmarkrun_run, all of their mains but their names: their options (-t
 * seconds, and -r where the tool has it), then the instance's home, the
 * check that the caller may change the queue, and qmarkrun_run itself, as
 * posta-s when root runs the tool (qscan_allowed).
 *
 * Returns an exit code, never exits; the only things printed are the
 * "PROG: usage: ..." line, the "PROG: fatal: ..." lines of a home that
 * cannot be entered or a caller who may not change the queue, and what
 * qmarkrun_run prints. See qmarktool.h. */
#include "sk/qmarktool.h"

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/cmdrec.h"
#include "sk/qmarkrun.h"
#include "sk/qscan.h"

int qmarktool_options(int argc, char const *const *argv, char const *opts, char *op, unsigned *wait)
{
  subgetopt l = SUBGETOPT_ZERO;
  for (;;) {
    int opt = subgetopt_r(argc, argv, opts, &l);
    if (opt == -1) break;
    switch (opt) {
      case 'r': *op = CMDREC_RELEASE; break;
      case 't': { size_t k = uint0_scan(l.arg, wait); if (!k || l.arg[k]) return -1; break; }
      default: return -1;
    }
  }
  return l.ind;
}

int qmarktool_run(char op, char const *const *argv, unsigned wait)
{
  int r = qscan_enter("change");
  return r ? r : qmarkrun_run(op, argv, wait);
}

int qmarktool_main(int argc, char const *const *argv, char op, char const *opts, char const *usage)
{
  static char const *const all[] = { "all", 0 };
  unsigned wait = QMARK_WAIT_DEFAULT;
  int i = qmarktool_options(argc, argv, opts, &op, &wait);
  if (i < 0 || (!argv[i] && op != CMDREC_FLUSH)) {
    strerr_warn(PROG, ": usage: ", usage);
    return 100;
  }
  argv += i;
  if (!argv[0]) argv = all;   /* a flush without an id: every message */
  return qmarktool_run(op, argv, wait);
}
