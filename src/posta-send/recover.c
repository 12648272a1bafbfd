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

static void say(send_ctx *ctx, uint64_t id, char const *what)
{
  slog l;
  slog_msg(&l, ctx->logfd, "posta-send: info:", id);
  slog_str(&l, what);
  slog_end(&l);
}

/* The one way recovery removes a mess file: the id is known until the
 * answer, so that no other request for it can follow (cleancl.h). */
static void remove_mess(send_ctx *ctx, uint64_t id)
{
  if (idset_add(&ctx->known, id) <= 0) return;
  cleancl_ask(ctx, "mess", id);
}

static int before(struct stat const *a, struct stat const *b)
{
  return a->st_ctim.tv_sec < b->st_mtim.tv_sec
      || (a->st_ctim.tv_sec == b->st_mtim.tv_sec && a->st_ctim.tv_nsec <= b->st_mtim.tv_nsec);
}

/* A local or remote record without info and todo: its message finished.
 * Its mess file, if it is still there, is the one it was written for only
 * when it is older than the record: a newer one is a new message that got
 * the same inode, in the middle of its injection. */
static void leftover(send_ctx *ctx, char const *kind, uint64_t id)
{
  char path[QPATH_MAX];
  struct stat record, mess;
  qpath(path, kind, id);
  if (stat(path, &record) < 0) return;
  int m = exists("mess", id, &mess);
  if (m < 0) return;
  if (m && !before(&mess, &record)) return;
  if (m) {
    say(ctx, id, ": removing the leftovers of a finished message");
    remove_mess(ctx, id);
    return;
  }
  if (unlink(path) == 0) say(ctx, id, ": removed a leftover record");
}

static void one(send_ctx *ctx, uint64_t id)
{
  struct stat st;
  if (idset_has(&ctx->known, id)) return;
  if (exists("info", id, 0) != 0 || exists("todo", id, 0) != 0) return;
  if (ctx->recover_stage != MESS) { leftover(ctx, scans[ctx->recover_stage], id); return; }
  if (exists("mess", id, &st) != 1) return;
  if ((uint64_t)st.st_mtime + STALE_SECONDS > ctx->now) return;
  say(ctx, id, ": removing an abandoned message file");
  remove_mess(ctx, id);
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
