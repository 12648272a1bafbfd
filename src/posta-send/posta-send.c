/* posta-send: the queue manager. main() alone: options, then init and loop.
 * See doc/posta-send.8. */
#include <stdlib.h>
#include <unistd.h>

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/nodump.h"
#include "posta-send/init.h"
#include "posta-send/sendloop.h"
#include "posta-send/send.h"

#define USAGE "posta-send [ -d notif ]"

int main(int argc, char const *const *argv)
{
  static send_ctx ctx;
  int notify = -1;
  subgetopt l = SUBGETOPT_ZERO;
  PROG = "posta-send";
  if (nodump() < 0) strerr_diefusys(111, "make the process undumpable");
  for (;;) {
    int opt = subgetopt_r(argc, argv, "d:", &l);
    if (opt == -1) break;
    if (opt != 'd') strerr_dieusage(100, USAGE);
    unsigned int fd;
    if (!uint0_scan(l.arg, &fd) || fd < 3) strerr_dieusage(100, USAGE);
    notify = (int)fd;
  }
  if (argc - l.ind) strerr_dieusage(100, USAGE);
  init_all(&ctx, notify);
  return sendloop_run(&ctx);
}
