/* qcmd: operators' requests. See qcmd.h. */
#include "posta-send/qcmd.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cmdrec.h"
#include "common/durable.h"
#include "common/qpath.h"
#include "common/slurp.h"
#include "posta-send/message.h"
#include "posta-send/schedq.h"
#include "posta-send/slog.h"
#include "posta-send/wbatch.h"

static void warn(send_ctx *ctx, uint64_t id, char const *why)
{
  slog l;
  slog_msg(&l, ctx->logfd, "posta-send: warning: request for", id);
  slog_str(&l, ": ");
  slog_str(&l, why);
  slog_end(&l);
}

/* The request is done with: removed durably before anything can give its
 * id to a new message (a request left behind must not meet that one). */
static void drop(send_ctx *ctx, uint64_t id)
{
  char path[CMDREC_PATH_MAX];
  cmdrec_path(path, id);
  if (durable_unlink(path) < 0) warn(ctx, id, "unable to remove the request");
}

/* 1 and the request, 0 none, -1 unusable (dropped). */
static int load(send_ctx *ctx, uint64_t id, cmdrec *c)
{
  char path[CMDREC_PATH_MAX];
  char *buf;
  size_t len;
  cmdrec_path(path, id);
  if (slurp_path(path, 0, 4096, &buf, &len) < 0) {
    if (errno == ENOENT) return 0;
    if (errno != EFBIG) { warn(ctx, id, "unable to read the request, kept"); return 0; }
  } else {
    int r = cmdrec_parse(c, buf, len);
    free(buf);
    if (!r) return 1;
  }
  warn(ctx, id, "unreadable request, dropped");
  drop(ctx, id);
  return -1;
}

static char const *const verbs[] = { "hold", "release", "remove", "flush" };
static char const ops[] = "hrxf";

static void logged(send_ctx *ctx, uint64_t id, cmdrec const *c)
{
  slog l;
  slog_msg(&l, ctx->logfd, verbs[strchr(ops, c->op) - ops], id);
  slog_str(&l, " uid ");
  slog_u(&l, c->uid);
  slog_end(&l);
}

/* Applies c to m's flags and writes info durably: 0, or -1 (the flags are
 * as they were, the request stays). */
static int apply(send_ctx *ctx, msg *m, cmdrec const *c)
{
  info old = m->inf;
  wbatch w = WBATCH_ZERO;
  if (c->t < m->inf.t) { warn(ctx, m->id, "older than the message, dropped"); drop(ctx, m->id); return 0; }
  if (c->op == CMDREC_RELEASE && m->inf.x) { warn(ctx, m->id, "the message is being removed: no release"); drop(ctx, m->id); return 0; }
  if (c->op == CMDREC_HOLD) m->inf.h = 1;
  if (c->op == CMDREC_RELEASE) m->inf.h = 0;
  if (c->op == CMDREC_REMOVE) m->inf.x = 1;
  if (c->op == CMDREC_FLUSH) m->flags |= MHEAP_FORCED;
  if (m->inf.h != old.h || m->inf.x != old.x) {
    /* one delivered straight from todo gets all its records now */
    int r = m->fast ? message_spill(ctx, m) : message_put_info(ctx, &w, m) < 0 || wbatch_commit(ctx, &w) < 0 ? -1 : 0;
    if (r < 0) {
      m->inf.h = old.h;
      m->inf.x = old.x;
      warn(ctx, m->id, "unable to write the info record, kept");
      return -1;
    }
  }
  logged(ctx, m->id, c);
  drop(ctx, m->id);
  return 0;
}

static msg *in_memory(send_ctx *ctx, uint64_t id)
{
  for (msg *m = ctx->active; m; m = m->next)
    if (m->id == id) return m;
  return 0;
}

/* A message parked (index, a waiting list, the ready list): its records
 * on disk are the truth; it is then looked at soon, to act on it. */
static void parked(send_ctx *ctx, uint64_t id, cmdrec const *c)
{
  msg *m;
  if (message_load(ctx, id, &m) < 0) {
    if (errno == ENOENT) { warn(ctx, id, "the message has left the queue, dropped"); drop(ctx, id); }
    return;
  }
  int r = apply(ctx, m, c);
  uint32_t forced = m->flags & MHEAP_FORCED;
  message_free(m);
  if (!r && c->op != CMDREC_HOLD) mheap_raise(&ctx->heap, id, ctx->now, forced);
}

static int exists(char const *kind, uint64_t id)
{
  char path[QPATH_MAX];
  struct stat st;
  qpath(path, kind, id);
  return stat(path, &st) == 0 ? 1 : errno == ENOENT ? 0 : -1;
}

static void one(send_ctx *ctx, uint64_t id)
{
  cmdrec c;
  msg *m;
  if (load(ctx, id, &c) <= 0) return;
  if (id == CMDREC_ALL) {
    if (c.op != CMDREC_FLUSH) { warn(ctx, id, "only a flush can name every message, dropped"); drop(ctx, id); return; }
    slog l;
    slog_start(&l, ctx->logfd);
    slog_str(&l, "posta-send: info: posta-qflush: trying everything now");
    slog_end(&l);
    schedq_force_all(ctx);
    drop(ctx, id);
    return;
  }
  if ((m = in_memory(ctx, id))) { apply(ctx, m, &c); return; }
  int in = exists("info", id);
  if (in > 0) { parked(ctx, id, &c); return; }
  if (in < 0) return;
  if (!idset_has(&ctx->known, id) && exists("todo", id) > 0) {
    /* not preprocessed yet: qcmd_new applies it */
    if (idset_add(&ctx->cmd_wait, id) < 0) schedq_nomem(ctx);
    return;
  }
  warn(ctx, id, "no such message in the queue, dropped");
  drop(ctx, id);
}

static int by_number(void const *a, void const *b)
{
  uint64_t x = *(uint64_t const *)a, y = *(uint64_t const *)b;
  return x < y ? -1 : x > y;
}

void qcmd_step(send_ctx *ctx)
{
  uint64_t ids[QCMD_BATCH];
  size_t n = 0;
  struct dirent *d;
  if (!ctx->cmd_again) return;
  ctx->cmd_again = 0;
  DIR *dp = opendir(CMDREC_DIR);
  if (!dp) {
    if (errno != ENOENT) warn(ctx, 0, "unable to read " CMDREC_DIR);
    return;
  }
  while ((d = readdir(dp))) {
    uint64_t id;
    if (!qpath_id(d->d_name, &id)) continue;   /* tools' temporary files */
    if (n == QCMD_BATCH) { ctx->cmd_again = 1; break; }
    ids[n++] = id;
  }
  closedir(dp);
  /* a flush of everything last, after the holds and removals with it */
  qsort(ids, n, sizeof *ids, by_number);
  for (size_t i = n; i-- > 0;) one(ctx, ids[i]);
}

void qcmd_new(send_ctx *ctx, msg *m)
{
  cmdrec c;
  if (!ctx->cmd_wait.n || !idset_del(&ctx->cmd_wait, m->id)) return;
  if (load(ctx, m->id, &c) > 0) apply(ctx, m, &c);
}
