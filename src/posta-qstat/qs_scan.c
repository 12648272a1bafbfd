/* qs_scan: reads the records of every preprocessed message (those with an
 * info record) into a tally. The queue moves while it is read: a record
 * that is gone is skipped; one that is not whole is counted as unreadable,
 * never half-believed; one that is a link, a FIFO or anything but a
 * regular file is neither opened through nor read, but named in a warning
 * and counted as unreadable. Paths are relative to the home. See qs.h. */
#include "posta-qstat/qs.h"

#include <errno.h>
#include <stdlib.h>

#include <skalibs/strerr.h>

#include "common/qpath.h"
#include "sk/qscan.h"

#define QS_RECMAX (256u << 20)

/* 1 read and tallied, 0 gone, -1 error */
static int one(qs_tally *t, char const *kind, uint64_t id)
{
  char path[QPATH_MAX], *buf;
  size_t len;
  qpath(path, kind, id);
  if (qscan_slurp(path, QS_RECMAX, &buf, &len) < 0) {
    if (errno != EPROTO) return errno == ENOENT ? 0 : -1;
    strerr_warnw2x("not a regular file, not read: ", path);
    t->unreadable++;
    return 0;
  }
  int r = kind[0] == 'i' ? qs_tally_info(t, buf, len) : qs_tally_rcpts(t, kind[0] == 'r', buf, len);
  free(buf);
  if (r < 0 && (errno == EPROTO || errno == ENOTSUP)) { t->unreadable++; return 0; }
  return r < 0 ? -1 : 1;
}

int qs_scan(qs_tally *t)
{
  uint64_t *ids;
  size_t n;
  if (qscan_ids("info", &ids, &n) < 0) return -1;
  for (size_t i = 0; i < n; i++) {
    int r = one(t, "info", ids[i]);
    if (r > 0) r = one(t, "local", ids[i]);
    if (r >= 0) r = one(t, "remote", ids[i]);
    if (r < 0) { free(ids); return -1; }
  }
  free(ids);
  qs_tally_sort(t);
  return 0;
}
