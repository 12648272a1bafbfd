/* posta-qread: one block per queued message: id, arrival, size, sender,
 * each recipient with its state, and what else waits for it; with ids as
 * arguments, those messages only. Runs as root or posta-s. See
 * doc/posta-qread.8. */
#include <stdlib.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/strerr.h>

#include "common/qpath.h"
#include "posta-qread/qr.h"
#include "sk/qscan.h"

#define USAGE "posta-qread [ id... ]"

static void flush(stralloc *out)
{
  if (allwrite(1, out->s, out->len) < out->len) strerr_diefusys(111, "write to stdout");
  out->len = 0;
}

/* The ids of argv, or every message of the queue. */
static uint64_t *which(char const *const *argv, size_t *n)
{
  uint64_t *ids;
  size_t k = 0;
  while (argv[k]) k++;
  if (!k) {
    if (qscan_ids("mess", &ids, n) < 0) strerr_diefusys(111, "read queue/mess");
    return ids;
  }
  ids = malloc(k * sizeof *ids);
  if (!ids) strerr_diefusys(111, "allocate");
  for (size_t i = 0; i < k; i++)
    if (!qpath_id(argv[i], &ids[i]) || !ids[i]) strerr_dief2x(100, "not a message id: ", argv[i]);
  *n = k;
  return ids;
}

int main(int argc, char const *const *argv)
{
  stralloc out = STRALLOC_ZERO;
  size_t n;
  int missing = 0;
  PROG = "posta-qread";
  if (argc > 1 && argv[1][0] == '-') strerr_dieusage(100, USAGE);
  int r = qscan_enter("read");
  if (r) return r;
  uint64_t *ids = which(argv + 1, &n);
  for (size_t i = 0; i < n; i++) {
    size_t before = out.len;
    if (qr_message(&out, ids[i]) < 0) strerr_diefusys(111, "read the records of a message");
    if (argc > 1 && out.len == before && qr_exists(ids[i]) <= 0) {
      strerr_warnw2x("not in the queue: ", argv[i + 1]);
      missing = 1;
    }
    if (out.len >= 65536) flush(&out);
  }
  flush(&out);
  free(ids);
  stralloc_free(&out);
  return missing ? 100 : 0;
}
