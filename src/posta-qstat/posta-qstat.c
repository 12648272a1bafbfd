/* posta-qstat: how many messages the queue holds, and how many of them
 * posta-send has not preprocessed yet; with -d, the queue in detail (qs.h).
 * Runs as root or posta-s. See doc/posta-qstat.8. */
#include <dirent.h>
#include <stdint.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/cmdrec.h"
#include "common/qpath.h"
#include "posta-qstat/qs.h"
#include "sk/qscan.h"

#define USAGE "posta-qstat [ -d ]"

/* The requests in queue/cmd/ (tools' temporary files are not). */
static uint64_t requests(void)
{
  uint64_t n = 0, id;
  struct dirent *d;
  DIR *dp = opendir(CMDREC_DIR);
  if (!dp) return 0;
  while ((d = readdir(dp))) n += qpath_id(d->d_name, &id);
  closedir(dp);
  return n;
}

static void detail(stralloc *out)
{
  qs_tally t = QS_TALLY_ZERO;
  uint64_t bounces, delays;
  if (qscan_count("bounce", &bounces) < 0) strerr_diefusys(111, "read queue/bounce");
  if (qscan_count("delay", &delays) < 0) strerr_diefusys(111, "read queue/delay");
  if (qs_scan(&t) < 0) strerr_diefusys(111, "read the records of the queue");
  if (qs_print(out, &t, bounces, delays, requests()) < 0) strerr_diefusys(111, "allocate");
  qs_tally_free(&t);
}

int main(int argc, char const *const *argv)
{
  char fmt[UINT64_FMT];
  uint64_t mess, todo;
  stralloc out = STRALLOC_ZERO;
  int more = 0;
  subgetopt l = SUBGETOPT_ZERO;
  int r;
  PROG = "posta-qstat";
  for (;;) {
    int opt = subgetopt_r(argc, argv, "d", &l);
    if (opt == -1) break;
    if (opt == 'd') more = 1;
    else strerr_dieusage(100, USAGE);
  }
  if (argc > l.ind) strerr_dieusage(100, USAGE);
  r = qscan_enter("read");
  if (r) return r;
  if (qscan_count("mess", &mess) < 0) strerr_diefusys(111, "read queue/mess");
  if (qscan_count("todo", &todo) < 0) strerr_diefusys(111, "read queue/todo");
  if (!stralloc_cats(&out, "messages in queue: ") || !stralloc_catb(&out, fmt, uint64_fmt(fmt, mess))
      || !stralloc_cats(&out, "\nmessages in queue but not yet preprocessed: ")
      || !stralloc_catb(&out, fmt, uint64_fmt(fmt, todo)) || !stralloc_cats(&out, "\n"))
    strerr_diefusys(111, "allocate");
  if (more) detail(&out);
  if (allwrite(1, out.s, out.len) < out.len) strerr_diefusys(111, "write to stdout");
  stralloc_free(&out);
  return 0;
}
