/* schedq: the scheduler's queues: the index, the ready list, the gates'
 * waiting lists, and stopping. See schedq.h. */
#include "posta-send/schedq.h"

#include <errno.h>

#include "posta-send/message.h"
#include "posta-send/sched.h"
#include "posta-send/slog.h"

void schedq_todo_rescan(send_ctx *ctx)
{
  if (ctx->todo.running) ctx->todo_again = 1;
  else qwalk_start(&ctx->todo, "todo");
}

void schedq_nomem(send_ctx *ctx)
{
  slog l;
  slog_start(&l, ctx->logfd);
  slog_str(&l, "posta-send: warning: out of memory: stopping, to be restarted");
  slog_end(&l);
  schedq_stop(ctx, 111);
}

void schedq_stop(send_ctx *ctx, int code)
{
  if (code > ctx->exitcode) ctx->exitcode = code;
  if (ctx->stopping) return;
  ctx->stopping = 1;
  ctx->stop_by = ctx->now + STOP_WAIT;
}

void schedq_park(send_ctx *ctx, msg *m, uint64_t due)
{
  if (mheap_push(&ctx->heap, m->id, due, 0) < 0) schedq_nomem(ctx);
  message_unload(ctx, m);
}

void schedq_release(send_ctx *ctx, idq *w, size_t n)
{
  uint64_t id;
  while (n-- && idq_pop(w, &id))
    if (idq_push(&ctx->ready, id) < 0) { schedq_nomem(ctx); return; }
}

void schedq_dest_closed(send_ctx *ctx, dest *d)
{
  uint64_t id;
  while (idq_pop(&d->waiters, &id))
    if (mheap_push(&ctx->heap, id, d->next_try, 0) < 0) { schedq_nomem(ctx); return; }
}

/* A gate with nothing in flight wakes every waiter (those that cannot go
 * wait again on a gate that is busy, so a later end wakes them); otherwise
 * one waiter per free place. */
static void freed(send_ctx *ctx, idq *w, unsigned inflight, unsigned limit)
{
  if (!inflight) schedq_release(ctx, w, (size_t)-1);
  else if (inflight < limit) schedq_release(ctx, w, limit - inflight);
}

void schedq_gate_freed(send_ctx *ctx, gate *g)
{
  freed(ctx, &g->waiters, g->inflight, g->limit);
}

void schedq_dest_freed(send_ctx *ctx, dest *d)
{
  if (d->next_try > ctx->now) { schedq_dest_closed(ctx, d); return; }
  freed(ctx, &d->waiters, d->inflight, dest_limit(d, ctx->set.concdest));
}

void schedq_box_freed(send_ctx *ctx, dest *box)
{
  freed(ctx, &box->waiters, box->inflight, ctx->set.concmailbox);
}

static void release_all(send_ctx *ctx, desttab *t)
{
  for (size_t i = 0; i < t->nb; i++)
    for (dest *d = t->b[i]; d; d = d->next) schedq_release(ctx, &d->waiters, (size_t)-1);
}

void schedq_force_all(send_ctx *ctx)
{
  mheap_all_due(&ctx->heap, ctx->now, MHEAP_FORCED);
  /* a message in memory (a delivery or a notice of it running) is in no
   * index: forced at its next look, when that ends, as posta-qflush's
   * request forces it; or its deferred recipients would wait their turn */
  for (msg *m = ctx->active; m; m = m->next) m->flags |= MHEAP_FORCED;
  dest_reopen_all(&ctx->dests);
  release_all(ctx, &ctx->dests);
  release_all(ctx, &ctx->boxes);
  for (int c = 0; c < CHAN_N; c++) schedq_release(ctx, &ctx->ch[c].g.waiters, (size_t)-1);
  schedq_release(ctx, &ctx->bounce.waiters, (size_t)-1);
}

static int room(send_ctx const *ctx)
{
  for (int c = 0; c < CHAN_N; c++)
    if (gate_free(&ctx->ch[c].g) && !ctx->ch[c].full) return 1;
  return gate_free(&ctx->bounce);
}

uint64_t schedq_next_wakeup(send_ctx const *ctx)
{
  mheap_entry const *t = mheap_top(&ctx->heap);
  /* nothing can start before a delivery or a bounce ends: an event */
  if (ctx->stopping || !room(ctx)) return UINT64_MAX;
  if (ctx->ready.n) return 0;
  for (int c = 0; c < CHAN_N; c++) {
    chan const *ch = &ctx->ch[c];
    if (ch->g.waiters.n && gate_free(&ch->g) && !ch->full) return 0;
  }
  if (ctx->bounce.waiters.n && gate_free(&ctx->bounce)) return 0;
  if (!t) return UINT64_MAX;
  return t->due;
}

/* Waiters of a gate that has room while nothing else is ready: a gate
 * can have room and waiters when the ones it woke went elsewhere. */
static void top_up(send_ctx *ctx)
{
  if (ctx->ready.n) return;
  for (int c = 0; c < CHAN_N; c++) {
    chan *ch = &ctx->ch[c];
    if (!ch->full) schedq_gate_freed(ctx, &ch->g);
  }
  schedq_gate_freed(ctx, &ctx->bounce);
}

static void look_at(send_ctx *ctx, uint64_t id, uint32_t flags)
{
  msg *m;
  if (message_load(ctx, id, &m) < 0) {
    if (errno == ENOENT) { idset_del(&ctx->known, id); return; }
    if (mheap_push(&ctx->heap, id, ctx->now + BROKEN_RECHECK, 0) < 0) schedq_nomem(ctx);
    return;
  }
  m->flags = flags;
  message_attach(ctx, m);
  sched_evaluate(ctx, m);
}

void schedq_step(send_ctx *ctx)
{
  top_up(ctx);
  for (unsigned budget = SCHED_BATCH; budget && !ctx->stopping && room(ctx); budget--) {
    mheap_entry e;
    mheap_entry const *t;
    uint64_t id;
    if (idq_pop(&ctx->ready, &id)) { look_at(ctx, id, 0); continue; }
    t = mheap_top(&ctx->heap);
    if (!t || t->due > ctx->now) break;
    mheap_pop(&ctx->heap, &e);
    look_at(ctx, e.id, e.flags);
  }
}
