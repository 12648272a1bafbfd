/* recover: leftovers of crashes. See recover.h. */
#include "posta-send/recover.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/qpath.h"
#include "posta-send/cleancl.h"
#include "posta-send/slog.h"

enum { IDLE, LOCAL, REMOTE, MESS, STALE };
static char const *const scans[] = { 0, "local", "remote", "mess" };

/* 1 exists, 0 not, -1 cannot tell */
static int exists(char const *kind, uint64_t id, struct stat *st)
{
  char path[QPATH_MAX];
  struct stat tmp;
  qpath(path, kind, id);
  if (stat(path, st ? st : &tmp) == 0) return 1;
  return errno == ENOENT ? 0 : -1;
}

static void leftover(send_ctx *ctx, char const *kind, uint64_t id)
{
  char path[QPATH_MAX];
  slog l;
  qpath(path, kind, id);
  if (unlink(path) < 0 && errno != ENOENT) return;
  slog_start(&l, ctx->logfd);
  slog_str(&l, "posta-send: info: removed a leftover of finished msg ");
  slog_u(&l, id);
  slog_str(&l, ": ");
  slog_str(&l, path);
  slog_end(&l);
  cleancl_ask(ctx, "mess", id);
}

static void one(send_ctx *ctx, uint64_t id)
{
  struct stat st;
  if (idset_has(&ctx->known, id)) return;
  if (exists("info", id, 0) != 0 || exists("todo", id, 0) != 0) return;
  if (ctx->recover_stage != MESS) { leftover(ctx, scans[ctx->recover_stage], id); return; }
  if (exists("mess", id, &st) != 1) return;
  if ((uint64_t)st.st_mtime + STALE_SECONDS > ctx->now) return;
  cleancl_ask(ctx, "mess", id);
}

int recover_step(send_ctx *ctx)
{
  uint64_t id;
  if (ctx->recover_stage == IDLE) {
    if (ctx->now < ctx->recover_next) return 0;
    ctx->recover_stage = LOCAL;
    qwalk_start(&ctx->recov, scans[LOCAL]);
  }
  for (unsigned n = 0; n < RECOVER_BATCH; n++) {
    if (ctx->recover_stage == STALE) {
      cleancl_ask(ctx, "stale", 0);
      ctx->recover_stage = IDLE;
      ctx->recover_next = ctx->now + RECOVER_INTERVAL;
      return 0;
    }
    int r = qwalk_next(&ctx->recov, &id);
    if (r > 0) { one(ctx, id); continue; }
    if (r < 0) continue;
    ctx->recover_stage++;
    if (ctx->recover_stage < STALE) qwalk_start(&ctx->recov, scans[ctx->recover_stage]);
  }
  return 1;
}
