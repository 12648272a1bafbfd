/* qmarktool: what posta-qhold, posta-qrm and posta-qflush do around
 * qmark_run: their options (-t seconds, and -r where the tool has it), then
 * the instance's home, the check that the caller may change the queue, and
 * qmark_run itself, as posta-s when root runs the tool.
 *
 * Returns an exit code, never exits; the only things printed are the
 * "PROG: fatal: ..." lines of a home that cannot be entered or a caller
 * who may not change the queue, and what qmark_run prints. See qmark.h. */
#include "sk/qmark.h"

#include <errno.h>
#include <grp.h>
#include <unistd.h>

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/cmdrec.h"
#include "common/home.h"
#include "sk/qscan.h"

int qmark_options(int argc, char const *const *argv, char const *opts, char *op, unsigned *wait)
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

/* Root does the work as posta-s (effective uid and groups), the owner of
 * queue/cmd and queue/info: whatever posta-q or posta-s put in the queue's
 * folders (a link, a FIFO) then reaches nothing posta-s could not reach
 * itself. The real uid stays: the request records who asked. */
static int drop(void)
{
  roles r;
  if (geteuid()) return 0;
  if (roles_load(&r, ".") < 0) return -1;
  if (!r.uid[ROLE_S]) return 0;
  gid_t g = r.gid[ROLE_S];
  if (setgroups(1, &g) < 0 || setegid(g) < 0 || seteuid(r.uid[ROLE_S]) < 0) return -1;
  return 0;
}

int qmark_tool(char op, char const *const *argv, unsigned wait)
{
  char const *home = home_get();
  if (chdir(home) < 0) {
    strerr_warnsys(PROG, ": fatal: unable to change to the home folder ", home);
    return 111;
  }
  if (qscan_allowed() < 0) {
    if (errno == EPERM) { strerr_warn(PROG, ": fatal: only root and posta-s may change the queue"); return 100; }
    strerr_warnsys(PROG, ": fatal: unable to look at the instance in ", home);
    return 111;
  }
  if (drop() < 0) {
    strerr_warnsys(PROG, ": fatal: unable to switch to the user posta-s of ", home);
    return 111;
  }
  return qmark_run(op, argv, wait);
}
