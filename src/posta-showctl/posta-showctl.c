/* posta-showctl: every setting of the instance in force, with its source.
 *
 *   posta-showctl [ -e ] [ name... ]
 *
 * One line per setting of the registry (src/common/ctlreg.c), "NAME SOURCE
 * VALUE", then the services' env/ variables; with names, only those; -e
 * adds what each one means. Reads only. See posta-showctl(8). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>

#include "common/control.h"
#include "common/ctlreg.h"
#include "common/home.h"
#include "posta-showctl/showctl.h"

#define USAGE "posta-showctl [ -e ] [ name... ]"
#define dieusage() strerr_dieusage(100, USAGE)

int main(int argc, char const *const *argv)
{
  stralloc out = STRALLOC_ZERO;
  char me[256];
  int explain = 0, worst = SHOWCTL_OK;
  char const *home = home_get();
  subgetopt l = SUBGETOPT_ZERO;
  PROG = "posta-showctl";
  for (;;) {
    int opt = subgetopt_r(argc, argv, "e", &l);
    if (opt == -1) break;
    if (opt == 'e') explain = 1;
    else dieusage();
  }
  argv += l.ind;
  for (char const *const *a = argv; *a; a++)
    if (!ctlreg_find(*a)) strerr_dief2x(100, "no such setting: ", *a);
  if (chdir(home) < 0) strerr_diefusys(111, "change to the home folder ", home);
  if (control_line("control/me", me, sizeof me, 0) <= 0 || !me[0]) strcpy(me, ctlreg_find("me")->dflt);
  for (unsigned i = 0; i < ctlreg_len; i++) {
    ctlreg_entry const *e = &ctlreg_table[i];
    int wanted = !*argv;
    for (char const *const *a = argv; *a && !wanted; a++) wanted = !strcmp(*a, e->name);
    if (!wanted) continue;
    int r = showctl_entry(&out, e, me, explain);
    if (r < 0) strerr_diefusys(111, "allocate");
    if (r == SHOWCTL_INVALID) strerr_warnw3x("control/", e->name, ": not a valid value");
    if (r == SHOWCTL_UNREADABLE) strerr_warnwu2x("read control/", e->name);
    if (r > worst) worst = r;
  }
  if (!*argv && showctl_env(&out) < 0) strerr_diefusys(111, "read the services' env folders");
  if (allwrite(1, out.s, out.len) < out.len) strerr_diefusys(111, "write to stdout");
  stralloc_free(&out);
  return worst == SHOWCTL_UNREADABLE ? 111 : worst == SHOWCTL_INVALID ? 100 : 0;
}
