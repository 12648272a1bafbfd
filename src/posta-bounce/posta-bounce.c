/* posta-bounce: sends the failure notice (or, with -d, the delay notice)
 * of one queued message, then removes the record that asked for it.
 *
 *   posta-bounce [ -d ] id
 *
 * Run by posta-send as posta-s. Exits 0 when the notice was queued (or
 * there was nothing to do), 100 when the record is unusable, 111 on a
 * temporary failure. See posta-bounce(8). */
#include <stdint.h>

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>

#include "common/dsn.h"
#include "common/nodump.h"
#include "common/qpath.h"
#include "posta-bounce/bounce.h"

#define USAGE "posta-bounce [ -d ] id"
#define dieusage() strerr_dieusage(100, USAGE)

int main(int argc, char const *const *argv)
{
  bounce b = { 0 };
  subgetopt l = SUBGETOPT_ZERO;
  PROG = "posta-bounce";
  if (nodump() < 0) strerr_diefusys(111, "make the process undumpable");
  b.kind = DSN_FAILED;
  b.fd = -1;
  for (;;) {
    int opt = subgetopt_r(argc, argv, "d", &l);
    if (opt == -1) break;
    switch (opt) {
      case 'd': b.kind = DSN_DELAYED; break;
      default: dieusage();
    }
  }
  argc -= l.ind;
  argv += l.ind;
  if (argc != 1) dieusage();
  if (!qpath_id(argv[0], &b.id)) strerr_dief2x(100, "not a message id: ", argv[0]);
  return bounce_run(&b);
}
