/* message: messages in memory and their records. See message.h. */
#include "posta-send/message.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/qpath.h"
#include "common/rec.h"
#include "common/slurp.h"
#include "posta-send/bouncerun.h"
#include "posta-send/cleancl.h"
#include "posta-send/sched.h"
#include "posta-send/schedq.h"
#include "posta-send/sendloop.h"
#include "posta-send/slog.h"
#include "posta-send/wbatch.h"

#define RECORD_MAX (64u << 20)

static char const *const kinds[CHAN_N] = { "local", "remote" };

msg *message_new(uint64_t id)
{
  msg *m = calloc(1, sizeof *m);
  if (m) m->id = id;
  return m;
}

void message_free(msg *m)
{
  if (!m) return;
  inforec_free(&m->inf);
  for (int c = 0; c < CHAN_N; c++) rcptrec_free(&m->rc[c]);
  free(m);
}

/* Reads one record file: 1 read, 0 missing, -1 error (logged). */
static int slurp(send_ctx *ctx, char const *kind, uint64_t id, char **buf, size_t *len)
{
  char path[QPATH_MAX];
  qpath(path, kind, id);
  if (slurp_path(path, 0, RECORD_MAX, buf, len) == 0) return 1;
  if (errno == ENOENT) return 0;
  slog_unable(ctx->logfd, "read ", path, errno);
  return -1;
}

static int load_into(send_ctx *ctx, msg *m)
{
  char path[QPATH_MAX];
  char *buf;
  size_t len;
  struct stat st;
  int r = slurp(ctx, "info", m->id, &buf, &len);
  if (r <= 0) { if (!r) errno = ENOENT; return -1; }
  r = inforec_parse(&m->inf, buf, len);
  free(buf);
  if (r < 0) { qpath(path, "info", m->id); slog_unable(ctx->logfd, "parse ", path, errno); return -1; }
  for (int c = 0; c < CHAN_N; c++) {
    r = slurp(ctx, kinds[c], m->id, &buf, &len);
    if (r < 0) return -1;
    if (!r) continue;
    r = rcptrec_parse(&m->rc[c], buf, len);
    free(buf);
    if (r < 0) { qpath(path, kinds[c], m->id); slog_unable(ctx->logfd, "parse ", path, errno); return -1; }
  }
  for (int note = 0; note < NOTE_N; note++) {
    qpath(path, bouncerun_folder(note), m->id);
    if (stat(path, &st) == 0) m->nt[note].has = 1;
    else if (errno != ENOENT) { slog_unable(ctx->logfd, "stat ", path, errno); return -1; }
  }
  /* a crash between the bounce record and the B of its recipients */
  if (m->nt[NOTE_FAILURE].has && bouncerun_reconcile(ctx, m) < 0) { errno = EIO; return -1; }
  return 0;
}

int message_load(send_ctx *ctx, uint64_t id, msg **out)
{
  msg *m = message_new(id);
  if (!m) return -1;
  if (load_into(ctx, m) < 0) {
    int e = errno;
    message_free(m);
    errno = e;
    return -1;
  }
  *out = m;
  return 0;
}

static int put_rec(send_ctx *ctx, wbatch *w, char const *kind, uint64_t id, rec_buf *b)
{
  char path[QPATH_MAX];
  qpath(path, kind, id);
  if (wbatch_put(ctx, w, path, b->s, b->len) < 0) {
    slog_unable(ctx->logfd, "write ", path, errno);
    return -1;
  }
  return 0;
}

int message_put_rcpts(send_ctx *ctx, wbatch *w, msg *m, int c)
{
  rec_buf b = REC_BUF_ZERO;
  int r;
  if (!m->rc[c].n) {
    char path[QPATH_MAX];
    struct stat st;
    qpath(path, kinds[c], m->id);
    if (stat(path, &st) < 0 && errno == ENOENT) return 0;
    if (wbatch_remove(ctx, w, path) < 0) { slog_unable(ctx->logfd, "remove ", path, errno); return -1; }
    return 0;
  }
  if (rcptrec_build(&b, &m->rc[c]) < 0) { rec_free(&b); return -1; }
  r = put_rec(ctx, w, kinds[c], m->id, &b);
  rec_free(&b);
  if (!r) m->dirty[c] = 0;
  return r;
}

int message_put_info(send_ctx *ctx, wbatch *w, msg *m)
{
  rec_buf b = REC_BUF_ZERO;
  int r;
  if (inforec_build(&b, &m->inf) < 0) { rec_free(&b); return -1; }
  r = put_rec(ctx, w, "info", m->id, &b);
  rec_free(&b);
  return r;
}

void message_attach(send_ctx *ctx, msg *m)
{
  m->prev = 0;
  m->next = ctx->active;
  if (ctx->active) ctx->active->prev = m;
  ctx->active = m;
  ctx->nactive++;
}

void message_detach(send_ctx *ctx, msg *m)
{
  if (m->prev) m->prev->next = m->next;
  else ctx->active = m->next;
  if (m->next) m->next->prev = m->prev;
  m->prev = m->next = 0;
  ctx->nactive--;
}

int message_spill(send_ctx *ctx, msg *m)
{
  wbatch w = WBATCH_ZERO;
  if (!m->fast) return 0;
  for (int c = 0; c < CHAN_N; c++)
    if (message_put_rcpts(ctx, &w, m, c) < 0) return -1;
  if (wbatch_commit(ctx, &w) < 0 || message_put_info(ctx, &w, m) < 0) {
    slog_unable(ctx->logfd, "fsync ", "the records of a message delivered from todo", errno);
    return -1;
  }
  /* info is in place: from here on the message ends only by its removal
   * (message_finish), even when the fsync below fails */
  m->fast = 0;
  if (wbatch_commit(ctx, &w) < 0) {
    slog_unable(ctx->logfd, "fsync ", "the records of a message delivered from todo", errno);
    return -1;
  }
  if (cleancl_ask(ctx, "todo", m->id) < 0) slog_unable(ctx->logfd, "ask posta-clean to remove ", "todo", errno);
  return 0;
}

/* A message that is still fast after a failed spill (no info record) only
 * leaves memory. Its id stays known and waits in the index until then
 * (queue: 1), or where its caller already put it (a retry, a gate's list):
 * when its turn comes, look_at finds no info, forgets the id, and the next
 * reading of todo/ preprocesses it anew. A disk that keeps failing thus
 * makes one delivery per retry interval, never a loop. */
static void leave_unspilled(send_ctx *ctx, msg *m, int queue)
{
  if (queue && mheap_push(&ctx->heap, m->id, ctx->now + TODO_RESCAN, 0) < 0) schedq_nomem(ctx);
  message_detach(ctx, m);
  message_free(m);
}

void message_unload(send_ctx *ctx, msg *m)
{
  /* stopping: todo is there for the next start, which delivers it again */
  if (m->fast && !ctx->stopping && message_spill(ctx, m) < 0 && m->fast) { leave_unspilled(ctx, m, 0); return; }
  message_detach(ctx, m);
  message_free(m);
}

void message_mark(send_ctx *ctx, msg *m)
{
  if (m->in_flush) return;
  m->in_flush = 1;
  m->next_flush = ctx->flush;
  ctx->flush = m;
}

int message_finished(msg const *m)
{
  if (m->inflight || m->nfailed) return 0;
  for (int note = 0; note < NOTE_N; note++)
    if (m->nt[note].has || m->nt[note].pid) return 0;
  for (int c = 0; c < CHAN_N; c++)
    if (rcptrec_pending(&m->rc[c])) return 0;
  return 1;
}

static void log_end(send_ctx *ctx, uint64_t id)
{
  slog l;
  slog_msg(&l, ctx->logfd, "end", id);
  slog_end(&l);
}

/* What follows the removal of info: the log line, posta-clean's
 * request (the local and remote records go, and the id is forgotten, once
 * it removed mess: cleancl.c), and the memory. */
static void finished(send_ctx *ctx, msg *m)
{
  m->fast = 0;
  log_end(ctx, m->id);
  if (cleancl_ask(ctx, "mess", m->id) < 0) slog_unable(ctx->logfd, "ask posta-clean to remove ", "mess", errno);
  message_unload(ctx, m);
}

/* Removing info is the record that the message is done: the recipients'
 * last D need not be written first (a crash before the removal is durable
 * retries them, which is the one duplicate the queue allows). Nor is the
 * removal fsynced here: posta-clean's mess request, which follows it, syncs
 * the file system before mess goes (cleanops.h), so that info never
 * outlives its message; lost in a crash before that, it only retries. */
static int remove_info(send_ctx *ctx, msg *m)
{
  char path[QPATH_MAX];
  qpath(path, "info", m->id);
  if (ctx->rm(path) == 0) return 0;
  slog_unable(ctx->logfd, "remove ", path, errno);
  return -1;
}

int message_finish(send_ctx *ctx, msg *m)
{
  if (!m->fast && remove_info(ctx, m) < 0) return -1;
  finished(ctx, m);
  return 0;
}

/* The marked messages, in the order they were marked. */
static msg *take_marked(send_ctx *ctx)
{
  msg *list = 0;
  while (ctx->flush) {
    msg *m = ctx->flush;
    ctx->flush = m->next_flush;
    m->in_flush = 0;
    m->next_flush = list;
    list = m;
  }
  return list;
}

/* Phase 0: the fast messages that stay (a deferral, a failure) get their
 * records before anything else is written about them; one whose records
 * cannot be written leaves memory (leave_unspilled). */
static msg *spill_marked(send_ctx *ctx, msg *list)
{
  msg *keep = 0, **tail = &keep;
  while (list) {
    msg *m = list;
    list = m->next_flush;
    m->next_flush = 0;
    if (m->fast && !message_finished(m) && message_spill(ctx, m) < 0 && m->fast) { leave_unspilled(ctx, m, 1); continue; }
    *tail = m;
    tail = &m->next_flush;
  }
  return keep;
}

/* Phase 1: failures into bounce records, durable before any B. */
static void flush_bounces(send_ctx *ctx, msg *list)
{
  wbatch w = WBATCH_ZERO;
  int any = 0;
  for (msg *m = list; m; m = m->next_flush)
    if (m->nfailed && !m->nt[NOTE_FAILURE].pid) any += m->staged = bouncerun_put(ctx, &w, m) == 0;
  if (!any) return;
  int ok = wbatch_commit(ctx, &w) == 0;
  if (!ok) slog_unable(ctx->logfd, "fsync ", "bounce", errno);
  for (msg *m = list; m; m = m->next_flush) {
    if (m->staged && ok) bouncerun_recorded(m);
    m->staged = 0;
  }
}

/* Phase 2: the records that changed, and info of the finished messages
 * (removed, not synced: remove_info). */
static void flush_records(send_ctx *ctx, msg *list)
{
  wbatch w = WBATCH_ZERO;
  int any = 0;
  for (msg *m = list; m; m = m->next_flush) {
    if (message_finished(m)) {
      /* a fast message has no record to remove (phase 3 finishes it:
       * todo's removal says it is done), so it waits for no commit */
      if (!m->fast) m->staged = remove_info(ctx, m) == 0;
      continue;
    }
    for (int c = 0; c < CHAN_N; c++)
      if (m->dirty[c]) any += message_put_rcpts(ctx, &w, m, c) == 0;
  }
  /* a record not durable is written again at the next change: the
   * recipients it marks are retried after a crash, nothing more */
  if (any && wbatch_commit(ctx, &w) < 0) slog_unable(ctx->logfd, "fsync ", "the queue's records", errno);
}

void message_flush_all(send_ctx *ctx)
{
  msg *list = spill_marked(ctx, take_marked(ctx));
  if (!list) return;
  flush_bounces(ctx, list);
  flush_records(ctx, list);
  /* Phase 3: what may follow only durable records */
  while (list) {
    msg *m = list;
    list = m->next_flush;
    m->next_flush = 0;
    int staged = m->staged;
    m->staged = 0;
    if (staged > 0 || (m->fast && message_finished(m))) finished(ctx, m);
    else if (message_finished(m)) schedq_park(ctx, m, ctx->now + BROKEN_RECHECK);
    else if (!m->inflight && !bouncerun_running(m)) sched_evaluate(ctx, m);
  }
}
