/* posta-qread: one block per queued message: id, arrival, size, sender,
 * and each recipient with its state. Runs as root or posta-s. See
 * doc/posta-qread.8. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/strerr.h>

#include "common/home.h"
#include "posta-qread/qr.h"
#include "sk/qscan.h"

int main(int argc, char const *const *argv)
{
  stralloc out = STRALLOC_ZERO;
  uint64_t *ids;
  size_t n;
  char const *home = home_get();
  PROG = "posta-qread";
  if (argc > 1) strerr_dieusage(100, "posta-qread");
  if (chdir(home) < 0) strerr_diefusys(111, "change to the home folder ", home);
  if (qscan_allowed() < 0) {
    if (errno == EPERM) strerr_dief(100, "only root and posta-s may read the queue");
    strerr_diefusys(111, "look at the instance in ", home);
  }
  if (qscan_ids("mess", &ids, &n) < 0) strerr_diefusys(111, "read queue/mess");
  for (size_t i = 0; i < n; i++) {
    if (qr_message(&out, ids[i]) < 0) strerr_diefusys(111, "read the records of a message");
    if (out.len >= 65536 || i + 1 == n) {
      if (allwrite(1, out.s, out.len) < out.len) strerr_diefusys(111, "write to stdout");
      out.len = 0;
    }
  }
  free(ids);
  stralloc_free(&out);
  return 0;
}
