/* posta-start: sets up posta-send and its helpers, each under its uid, then
 * becomes posta-send. main() alone. See doc/posta-start.8. */
#include <unistd.h>

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/home.h"
#include "common/roles.h"
#include "posta-start/helpers.h"

#define USAGE "posta-start [ -d notif ]"

int main(int argc, char const *const *argv)
{
  start_fds f = { { -1, -1 }, { -1, -1 }, { -1, -1 }, { -1, -1 }, -1 };
  roles r;
  char const *home = home_get();
  subgetopt l = SUBGETOPT_ZERO;
  PROG = "posta-start";
  for (;;) {
    int opt = subgetopt_r(argc, argv, "d:", &l);
    if (opt == -1) break;
    unsigned int fd;
    if (opt != 'd' || !uint0_scan(l.arg, &fd) || fd < 3) strerr_dieusage(100, USAGE);
    f.notify = (int)fd;
  }
  if (argc - l.ind) strerr_dieusage(100, USAGE);
  if (chdir(home) < 0) strerr_diefusys(111, "chdir to ", home);
  if (roles_load(&r, home) < 0) strerr_diefusys(111, "find the users of the instance ", home);
  helpers_create(&f);
  helpers_spawn(&f, &r);
  helpers_exec_send(&f, &r);
}
