/* preproc: todo to local, remote and info records. See preproc.h. */
#include "posta-send/preproc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/durable.h"
#include "common/qpath.h"
#include "common/rec.h"
#include "common/slurp.h"
#include "posta-send/cleancl.h"
#include "posta-send/message.h"
#include "posta-send/qcmd.h"
#include "posta-send/sched.h"
#include "posta-send/schedq.h"
#include "posta-send/slog.h"
#include "posta-send/wbatch.h"

#define ROUTED_MAX 2048

typedef struct routed_s routed;
struct routed_s {
  char *addr;
  size_t order;
  int local;
  int dup;
};

static int by_addr(void const *a, void const *b)
{
  routed const *x = a, *y = b;
  if (x->local != y->local) return x->local - y->local;
  int c = strcmp(x->addr, y->addr);
  if (c) return c;
  return x->order < y->order ? -1 : x->order > y->order;
}

static int by_order(void const *a, void const *b)
{
  routed const *x = a, *y = b;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* Marks every recipient that already came earlier in the envelope. */
static void dedupe(routed *v, size_t n)
{
  qsort(v, n, sizeof *v, by_addr);
  for (size_t i = 1; i < n; i++)
    if (v[i].local == v[i - 1].local && !strcmp(v[i].addr, v[i - 1].addr)) v[i].dup = 1;
  qsort(v, n, sizeof *v, by_order);
}

static int route_all(domains const *d, rec *r, routed **out, size_t *nout)
{
  char buf[ROUTED_MAX];
  char const *f;
  routed *v = 0;
  size_t n = 0, a = 0;
  while ((f = rec_next(r, 0))) {
    if (f[0] != 'T') continue;
    if (!f[1]) goto bad;
    if (n == a) {
      a = a ? a * 2 : 16;
      routed *t = realloc(v, a * sizeof *v);
      if (!t) goto nomem;
      v = t;
    }
    int w = domains_route(d, f + 1, buf, sizeof buf);
    if (w < 0) goto bad;
    v[n].addr = strdup(buf);
    if (!v[n].addr) goto nomem;
    v[n].order = n;
    v[n].local = w == DOMAINS_LOCAL;
    v[n].dup = 0;
    n++;
  }
  if (!n) goto bad;
  dedupe(v, n);
  *out = v;
  *nout = n;
  return 0;
bad:
  errno = EPROTO;
nomem:
  { int e = errno; for (size_t i = 0; i < n; i++) free(v[i].addr); free(v); errno = e; }
  return -1;
}

/* u, p, t and F exactly once each; T at least once. */
static int header(rec *r, info *inf, uint64_t *pid)
{
  static char const tags[] = "uptF";
  unsigned seen = 0;
  char const *f;
  while ((f = rec_next(r, 0))) {
    char const *p = f[0] ? strchr(tags, f[0]) : 0;
    if (f[0] == 'T') continue;
    if (!p || (seen & (1u << (p - tags)))) return -1;
    seen |= 1u << (p - tags);
    if (f[0] == 'F') { inf->sender = (char *)f + 1; continue; }
    if (rec_num(f + 1, f[0] == 'u' ? &inf->uid : f[0] == 'p' ? pid : &inf->t) < 0) return -1;
  }
  return seen == 15 ? 0 : -1;
}

int preproc_route(domains const *d, char const *buf, size_t len, info *inf, uint64_t *pid, rcptlist *local, rcptlist *remote)
{
  rec r;
  routed *v;
  size_t n;
  info t = INFO_ZERO;
  if (rec_parse(&r, buf, len, TODOREC_KIND, TODOREC_VERSION) < 0) return -1;
  if (header(&r, &t, pid) < 0) { errno = EPROTO; return -1; }
  r.pos = 0;
  if (route_all(d, &r, &v, &n) < 0) return -1;
  int e = 0;
  for (size_t i = 0; i < n; i++) {
    if (!e && !v[i].dup && rcptrec_add(v[i].local ? local : remote, v[i].addr, RCPT_PENDING, 0, 0, "") < 0) e = ENOMEM;
    free(v[i].addr);
  }
  free(v);
  if (!e && !(t.sender = strdup(t.sender))) e = ENOMEM;
  if (e) { errno = e; return -1; }
  inforec_free(inf);
  *inf = t;
  return 0;
}

static void warn(send_ctx *ctx, char const *what, uint64_t id, char const *why)
{
  slog l;
  slog_start(&l, ctx->logfd);
  slog_str(&l, "posta-send: warning: unable to preprocess ");
  if (id) {
    slog_str(&l, "msg ");
    slog_u(&l, id);
  } else slog_str(&l, "new messages");
  slog_str(&l, ": ");
  slog_str(&l, what);
  slog_str(&l, ": ");
  slog_str(&l, why);
  slog_end(&l);
}

static int exists(char const *kind, uint64_t id)
{
  char path[QPATH_MAX];
  struct stat st;
  qpath(path, kind, id);
  return stat(path, &st) == 0 ? 1 : errno == ENOENT ? 0 : -1;
}

static void log_new(send_ctx *ctx, msg const *m, uint64_t pid)
{
  slog l;
  slog_msg(&l, ctx->logfd, "new", m->id);
  slog_end(&l);
  slog_msg(&l, ctx->logfd, "info", m->id);
  slog_str(&l, ": bytes ");
  slog_u(&l, m->inf.size);
  slog_str(&l, " from ");
  slog_addr(&l, m->inf.sender);
  slog_str(&l, " qp ");
  slog_u(&l, pid);
  slog_str(&l, " uid ");
  slog_u(&l, m->inf.uid);
  slog_end(&l);
}

static enum preproc_result prepare(send_ctx *ctx, uint64_t id, msg *m, uint64_t *pid)
{
  char path[QPATH_MAX];
  char *buf;
  size_t len;
  struct stat st;
  int in = exists("info", id);
  if (in < 0) { warn(ctx, "stat info", id, strerror(errno)); return PREPROC_LATER; }
  if (in) {
    /* info may be there from a write reported failed after its rename (the
     * fsync of its folder failed): make it durable before todo goes */
    qpath(path, "info", id);
    if (durable_fsync_parent(path) < 0) { warn(ctx, "sync the folder of info", id, strerror(errno)); return PREPROC_LATER; }
    if (!cleancl_pending_todo(ctx, id) && cleancl_ask(ctx, "todo", id) < 0) return PREPROC_LATER;
    return PREPROC_SKIP;
  }
  qpath(path, "todo", id);
  if (slurp_path(path, 0, TODO_MAX, &buf, &len) < 0) {
    if (errno == ENOENT) return PREPROC_SKIP;
    warn(ctx, "read todo", id, strerror(errno));
    return PREPROC_LATER;
  }
  int r = preproc_route(&ctx->set.doms, buf, len, &m->inf, pid, &m->rc[CHAN_LOCAL], &m->rc[CHAN_REMOTE]);
  int e = errno;
  free(buf);
  if (r < 0) {
    warn(ctx, "read todo", id, e == ENOMEM ? strerror(e) : "malformed record");
    return e == ENOMEM ? PREPROC_LATER : PREPROC_BROKEN;
  }
  qpath(path, "mess", id);
  if (stat(path, &st) < 0) {
    warn(ctx, "stat mess", id, strerror(errno));
    return errno == ENOENT ? PREPROC_BROKEN : PREPROC_LATER;
  }
  m->inf.size = (uint64_t)st.st_size;
  return PREPROC_NEW;
}

/* Writes the records of the messages prepared in v[0..n): every local
 * and remote record durable, then every info record durable (info's
 * presence says the others are complete; a record left by an earlier,
 * interrupted preprocessing that routed differently is removed). A message
 * whose write failed, or all of them when a commit failed, is set to 0. */
static void write_all(send_ctx *ctx, msg **v, size_t n)
{
  wbatch w = WBATCH_ZERO;
  for (size_t i = 0; i < n; i++)
    for (int c = 0; c < CHAN_N && v[i] && !v[i]->fast; c++)
      if (message_put_rcpts(ctx, &w, v[i], c) < 0) { message_free(v[i]); v[i] = 0; }
  int ok = wbatch_commit(ctx, &w) == 0;
  for (size_t i = 0; i < n && ok; i++)
    if (v[i] && !v[i]->fast && message_put_info(ctx, &w, v[i]) < 0) { message_free(v[i]); v[i] = 0; }
  if (ok) ok = wbatch_commit(ctx, &w) == 0;
  if (ok) return;
  warn(ctx, "fsync", 0, strerror(errno));
  for (size_t i = 0; i < n; i++)
    if (v[i] && !v[i]->fast) { message_free(v[i]); v[i] = 0; }
}

/* A message with one recipient, a local one, goes to posta-lspawn straight
 * from todo while a local slot is free, with no record written: todo,
 * durable since posta-queue's commit, is its record until the delivery
 * succeeds (posta-clean then removes todo, durably, and mess) or has to be
 * tried again or bounced (message_spill writes the records then). A crash in
 * between leaves todo without info, preprocessed again at the next start:
 * the delivery is made again, which is the one duplicate the queue allows
 * (a delivery done, its record not yet durable: doc/queue.md, state 1f).
 * Not for a message old enough for a delay notice, nor one an operator's
 * request waits for. */
static int fast_ok(send_ctx const *ctx, msg const *m, unsigned *slots)
{
  if (!*slots || m->rc[CHAN_LOCAL].n != 1 || m->rc[CHAN_REMOTE].n) return 0;
  if (ctx->set.delaywarning && ctx->now >= m->inf.t + ctx->set.delaywarning) return 0;
  if (idset_has(&ctx->cmd_wait, m->id)) return 0;
  --*slots;
  return 1;
}

enum preproc_result preproc_one(send_ctx *ctx, uint64_t id, msg **out)
{
  uint64_t pid = 0;
  msg *m = message_new(id);
  if (!m) return PREPROC_LATER;
  enum preproc_result r = prepare(ctx, id, m, &pid);
  if (r != PREPROC_NEW) {
    message_free(m);
    return r;
  }
  write_all(ctx, &m, 1);
  if (!m) return PREPROC_LATER;
  log_new(ctx, m, pid);
  *out = m;
  return r;
}

/* Known, posta-clean asked to remove todo, tried at once. */
static void take(send_ctx *ctx, msg *m)
{
  if (idset_add(&ctx->known, m->id) < 0) { schedq_nomem(ctx); message_free(m); return; }
  message_attach(ctx, m);
  if (!m->fast) cleancl_ask(ctx, "todo", m->id);
  qcmd_new(ctx, m);
  sched_evaluate(ctx, m);
}

void preproc_batch(send_ctx *ctx, uint64_t const *ids, size_t n)
{
  msg *v[PREPROC_BATCH_MAX];
  uint64_t pid[PREPROC_BATCH_MAX];
  size_t k = 0;
  if (n > PREPROC_BATCH_MAX) n = PREPROC_BATCH_MAX;
  for (size_t i = 0; i < n; i++) {
    msg *m = message_new(ids[i]);
    if (!m) { schedq_nomem(ctx); break; }
    enum preproc_result r = prepare(ctx, ids[i], m, &pid[k]);
    if (r == PREPROC_NEW) { v[k++] = m; continue; }
    message_free(m);
    /* state 3 met while running, not at start: its info write was reported
     * failed (an fsync after the rename) and nothing else would look at it
     * before a restart. Scheduled from its records, as the start's scan of
     * info does. */
    if (r == PREPROC_SKIP && !idset_has(&ctx->known, ids[i]) && exists("info", ids[i]) == 1
        && (idset_add(&ctx->known, ids[i]) < 0 || mheap_push(&ctx->heap, ids[i], 0, 0) < 0)) schedq_nomem(ctx);
    /* a broken one is not looked at again before the next start */
    if (r == PREPROC_BROKEN && idset_add(&ctx->known, ids[i]) < 0) schedq_nomem(ctx);
  }
  gate const *g = &ctx->ch[CHAN_LOCAL].g;
  unsigned slots = !ctx->stopping && ctx->ch[CHAN_LOCAL].fd >= 0 && gate_free(g) ? g->limit - g->inflight : 0;
  for (size_t i = 0; i < k; i++) v[i]->fast = fast_ok(ctx, v[i], &slots);
  write_all(ctx, v, k);
  for (size_t i = 0; i < k; i++) if (v[i]) log_new(ctx, v[i], pid[i]);
  for (size_t i = 0; i < k; i++) if (v[i]) take(ctx, v[i]);
}

void preproc_new(send_ctx *ctx, uint64_t id)
{
  preproc_batch(ctx, &id, 1);
}
