/* msgrm: removing a message. See msgrm.h. */
#include "posta-send/msgrm.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "common/qpath.h"
#include "posta-send/bouncerun.h"
#include "posta-send/message.h"
#include "posta-send/schedq.h"
#include "posta-send/slog.h"
#include "posta-send/wbatch.h"

static void warn(send_ctx *ctx, uint64_t id, char const *what, int e)
{
  slog l;
  slog_msg(&l, ctx->logfd, "posta-send: warning: unable to remove", id);
  slog_str(&l, ": ");
  slog_str(&l, what);
  slog_str(&l, ": ");
  slog_str(&l, strerror(e));
  slog_end(&l);
}

/* The notices waiting for the message go first, durably: a bounce or
 * delay record must never outlive its info record. */
static int notices(send_ctx *ctx, msg *m)
{
  wbatch w = WBATCH_ZERO;
  int any = 0;
  for (int i = 0; i < NOTE_N; i++) {
    char path[QPATH_MAX];
    struct stat st;
    qpath(path, bouncerun_folder(i), m->id);
    if (stat(path, &st) < 0) {
      if (errno == ENOENT) continue;
      warn(ctx, m->id, path, errno);
      return -1;
    }
    if (wbatch_remove(ctx, &w, path) < 0) { warn(ctx, m->id, path, errno); return -1; }
    any = 1;
  }
  if (any && wbatch_commit(ctx, &w) < 0) { warn(ctx, m->id, "fsync", errno); return -1; }
  for (int i = 0; i < NOTE_N; i++) m->nt[i].has = 0;
  m->nfailed = 0;
  return 0;
}

void msgrm_run(send_ctx *ctx, msg *m)
{
  if (notices(ctx, m) < 0 || message_finish(ctx, m) < 0) schedq_park(ctx, m, ctx->now + BROKEN_RECHECK);
}
