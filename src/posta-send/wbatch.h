/* wbatch: durable writes in groups, the fsync rule at the cost of one
 * folder fsync per folder rather than per file.
 *
 * Each record is written to NAME.tmp, fsynced and renamed at once; each
 * removal is done at once; the folders they changed are remembered, and
 * wbatch_commit fsyncs each of them once. Only after the commit is any of
 * those changes durable, so whatever must follow them (an info record after
 * the local and remote records, a B after its bounce record, posta-clean's
 * requests after info's removal) waits for it. The writes go through the
 * context's hooks (ctx->put, ctx->rm, ctx->syncdir), which the unit tests
 * count; their real versions are durable_put, durable_remove and
 * durable_fsync_dir (src/common/durable.h). Never exits; returns 0 or -1 with errno. */
#ifndef POSTA_SEND_WBATCH_H
#define POSTA_SEND_WBATCH_H

#include <stddef.h>

#include "common/qpath.h"
#include "posta-send/send.h"

#define WBATCH_DIRS 64

typedef struct wbatch_s wbatch;
struct wbatch_s {
  char dir[WBATCH_DIRS][QPATH_MAX];
  unsigned n;
};
#define WBATCH_ZERO { { { 0 } }, 0 }

/* Writes path (via path.tmp), fsynced, renamed; mode 0600. */
int wbatch_put(send_ctx *, wbatch *, char const *path, char const *data, size_t len);
/* Removes path; a missing file is not an error. */
int wbatch_remove(send_ctx *, wbatch *, char const *path);
/* Fsyncs every folder changed since the last commit. */
int wbatch_commit(send_ctx *, wbatch *);

#endif
