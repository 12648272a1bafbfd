/* posta-qstat: how many messages the queue holds, and how many of them
 * posta-send has not preprocessed yet. Runs as root or posta-s. See
 * doc/posta-qstat.8. */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/home.h"
#include "sk/qscan.h"

int main(int argc, char const *const *argv)
{
  char fmt[UINT64_FMT];
  uint64_t mess, todo;
  char const *home = home_get();
  PROG = "posta-qstat";
  if (argc > 1) strerr_dieusage(100, "posta-qstat");
  if (chdir(home) < 0) strerr_diefusys(111, "change to the home folder ", home);
  if (qscan_allowed() < 0) {
    if (errno == EPERM) strerr_dief(100, "only root and posta-s may read the queue");
    strerr_diefusys(111, "look at the instance in ", home);
  }
  if (qscan_count("mess", &mess) < 0) strerr_diefusys(111, "read queue/mess");
  if (qscan_count("todo", &todo) < 0) strerr_diefusys(111, "read queue/todo");
  buffer_puts(buffer_1, "messages in queue: ");
  buffer_put(buffer_1, fmt, uint64_fmt(fmt, mess));
  buffer_puts(buffer_1, "\nmessages in queue but not yet preprocessed: ");
  buffer_put(buffer_1, fmt, uint64_fmt(fmt, todo));
  buffer_puts(buffer_1, "\n");
  if (!buffer_flush(buffer_1)) strerr_diefusys(111, "write to stdout");
  return 0;
}
