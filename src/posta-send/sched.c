/* sched: evaluating and parking messages. See sched.h. */
#include "posta-send/sched.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "posta-send/bouncerun.h"
#include "posta-send/delaywarn.h"
#include "posta-send/dispatch.h"
#include "posta-send/message.h"
#include "posta-send/msgrm.h"
#include "posta-send/schedq.h"
#include "posta-send/slog.h"

typedef struct eval_s eval;
struct eval_s {
  uint64_t due;         /* the earliest time something becomes due */
  idq *wait;            /* the first full gate met */
  int stop;             /* the message cannot go on now (broken, spawner gone) */
};

static void earliest(eval *e, uint64_t t)
{
  if (t < e->due) e->due = t;
}

static int chan_open(chan const *ch)
{
  return gate_free(&ch->g) && !ch->full;
}

static int due(msg const *m, rcpt const *r, uint64_t now, int forced, eval *e)
{
  if (r->state != RCPT_PENDING || r->busy || r->failed) return 0;
  if (forced || r->w <= now) return 1;
  earliest(e, r->w);
  return 0;
}

/* Local recipients, one a delivery, within the channel's limit and each
 * mailbox's (control/concurrencymailbox): a recipient whose mailbox is at
 * its limit waits for it, and the others go on. */
static void eval_local(send_ctx *ctx, msg *m, int forced, eval *e)
{
  chan *ch = &ctx->ch[CHAN_LOCAL];
  char key[DEST_NAME_MAX + 1];
  int full = 0;
  for (uint32_t i = 0; i < m->rc[CHAN_LOCAL].n && !e->stop; i++) {
    if (!due(m, &m->rc[CHAN_LOCAL].v[i], ctx->now, forced, e)) continue;
    if (!full && !chan_open(ch)) { full = 1; e->wait = &ch->g.waiters; }
    if (full) continue;
    size_t kl = dest_mailbox(m->rc[CHAN_LOCAL].v[i].addr, key, sizeof key);
    dest *box = dest_get(&ctx->boxes, key, kl);
    if (!box) { schedq_nomem(ctx); e->stop = 1; return; }
    if (box->inflight >= ctx->set.concmailbox) { if (!e->wait) e->wait = &box->waiters; continue; }
    int r = dispatch_job(ctx, m, CHAN_LOCAL, box, &i, 1);
    if (r == 0) { full = 1; e->wait = &ch->g.waiters; }
    else if (r < 0) e->stop = 1;
  }
}

/* One domain's due recipients idx[0..n): as many deliveries as allowed. */
static void eval_group(send_ctx *ctx, msg *m, uint32_t *idx, size_t n, int forced, eval *e)
{
  chan *ch = &ctx->ch[CHAN_REMOTE];
  size_t dl;
  char const *dn = dest_domain(m->rc[CHAN_REMOTE].v[idx[0]].addr, &dl);
  dest *d = dest_get(&ctx->dests, dn, dl);
  if (!d) { schedq_nomem(ctx); e->stop = 1; return; }
  while (n && !e->stop) {
    uint64_t b = dest_blocked(d, ctx->set.concdest, ctx->now, forced);
    if (b > 1) { earliest(e, b); return; }
    if (b == 1) { if (!e->wait) e->wait = &d->waiters; return; }
    if (!chan_open(ch)) { if (!e->wait) e->wait = &ch->g.waiters; return; }
    int r = dispatch_job(ctx, m, CHAN_REMOTE, d, idx, n);
    if (r == 0) { if (!e->wait) e->wait = &ch->g.waiters; return; }
    if (r < 0) { e->stop = 1; return; }
    idx += r;
    n -= (size_t)r;
  }
}

static int by_domain(void const *a, void const *b, void *arg)
{
  rcpt const *v = arg;
  size_t la, lb;
  char const *da = dest_domain(v[*(uint32_t const *)a].addr, &la);
  char const *db = dest_domain(v[*(uint32_t const *)b].addr, &lb);
  int c = strcasecmp(da, db);
  if (c) return c;
  return *(uint32_t const *)a < *(uint32_t const *)b ? -1 : 1;
}

static void eval_remote(send_ctx *ctx, msg *m, int forced, eval *e)
{
  rcptlist *l = &m->rc[CHAN_REMOTE];
  uint32_t *idx;
  size_t n = 0;
  if (!l->n) return;
  idx = malloc(l->n * sizeof *idx);
  if (!idx) { schedq_nomem(ctx); e->stop = 1; return; }
  for (uint32_t i = 0; i < l->n; i++)
    if (due(m, &l->v[i], ctx->now, forced, e)) idx[n++] = i;
  qsort_r(idx, n, sizeof *idx, by_domain, l->v);
  for (size_t a = 0; a < n && !e->stop;) {
    size_t la, lb, b = a + 1;
    char const *da = dest_domain(l->v[idx[a]].addr, &la);
    while (b < n && !strcasecmp(da, dest_domain(l->v[idx[b]].addr, &lb))) b++;
    eval_group(ctx, m, idx + a, b - a, forced, e);
    a = b;
  }
  free(idx);
}

/* One notice: posta-bounce when its record is due. 1 when the message
 * waits for it (started, or parked on the bounce gate), else 0. */
static int eval_note(send_ctx *ctx, msg *m, int note, int forced, eval *e)
{
  notice const *nt = &m->nt[note];
  if (!nt->has) return 0;
  if (!forced && nt->due > ctx->now) { earliest(e, nt->due); return 0; }
  /* failures are added to the bounce record only while it is not being
   * sent: it waits for the deliveries in flight */
  if (note == NOTE_FAILURE && m->inflight) return 0;
  if (!gate_free(&ctx->bounce)) {
    if (idq_push(&ctx->bounce.waiters, m->id) < 0) { schedq_nomem(ctx); return 1; }
    message_unload(ctx, m);
    return 1;
  }
  if (bouncerun_start(ctx, m, note) == 0) return 1;
  earliest(e, nt->due);
  return 0;
}

/* The notices first, one posta-bounce at a time per message: 1 when the
 * message waits for one, else 0. */
static int eval_notices(send_ctx *ctx, msg *m, int forced, eval *e)
{
  if (bouncerun_running(m)) return 1;
  earliest(e, delaywarn_check(ctx, m));
  for (int note = 0; note < NOTE_N; note++)
    if (eval_note(ctx, m, note, forced, e)) return 1;
  return 0;
}

static void settle(send_ctx *ctx, msg *m, eval *e)
{
  if (message_finished(m)) {
    if (message_finish(ctx, m) < 0) schedq_park(ctx, m, ctx->now + BROKEN_RECHECK);
    return;
  }
  if (e->wait && !e->stop) {
    if (idq_push(e->wait, m->id) < 0) { schedq_nomem(ctx); message_unload(ctx, m); return; }
    message_unload(ctx, m);
    return;
  }
  if (e->stop && e->due > ctx->now + BROKEN_RECHECK) e->due = ctx->now + BROKEN_RECHECK;
  schedq_park(ctx, m, e->due == UINT64_MAX ? ctx->now + BROKEN_RECHECK : e->due);
}

void sched_evaluate(send_ctx *ctx, msg *m)
{
  eval e = { UINT64_MAX, 0, 0 };
  int forced = !!(m->flags & MHEAP_FORCED);
  m->flags &= ~MHEAP_FORCED;
  if (ctx->stopping) {
    if (!m->inflight && !bouncerun_running(m)) message_unload(ctx, m);
    return;
  }
  if (m->inf.x) {
    /* posta-qrm: no delivery starts; once nothing is in flight, it goes */
    if (!m->inflight && !bouncerun_running(m)) msgrm_run(ctx, m);
    return;
  }
  if (m->inf.h) {
    /* posta-qhold: no delivery starts until posta-qhold -r */
    if (!m->inflight && !bouncerun_running(m)) schedq_park(ctx, m, ctx->now + HELD_RECHECK);
    return;
  }
  if (eval_notices(ctx, m, forced, &e)) return;
  eval_local(ctx, m, forced, &e);
  if (!e.stop) eval_remote(ctx, m, forced, &e);
  if (m->inflight || ctx->stopping) {
    if (!m->inflight) message_unload(ctx, m);
    return;
  }
  settle(ctx, m, &e);
}
