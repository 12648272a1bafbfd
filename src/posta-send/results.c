/* results: applying spawn responses. See results.h. */
#include "posta-send/results.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posta-send/message.h"
#include "posta-send/schedq.h"
#include "posta-send/slog.h"

static char const *const kinds[] = { "success", "deferral", "failure" };

#define GIVING_UP " (giving up: the message is older than control/queuelifetime)"

static void log_result(send_ctx *ctx, job const *j, char const *addr, int kind, char const *line, int expired)
{
  slog l;
  slog_start(&l, ctx->logfd);
  slog_str(&l, "delivery ");
  slog_u(&l, j->number);
  slog_str(&l, ": msg ");
  slog_u(&l, j->m->id);
  slog_str(&l, ": ");
  slog_str(&l, kinds[kind]);
  slog_str(&l, ": ");
  slog_addr(&l, addr);
  slog_str(&l, " ");
  slog_text(&l, line + 1);
  if (expired) slog_str(&l, GIVING_UP);
  slog_end(&l);
}

int results_expired(char *out, size_t max, char const *line)
{
  /* a mailbox still full at the end (4.2.2) is a permanent 5.2.2, as RFC
   * 3463 has it; other statuses keep their last temporary code */
  int n = !strncmp(line + 1, "4.2.2 ", 6) ? snprintf(out, max, "D5.2.2%s", line + 6)
                                          : snprintf(out, max, "D%s", line + 1);
  return n < 0 || (size_t)n >= max ? -1 : 0;
}

static void fail(msg *m, rcpt *r)
{
  r->failed = 1;
  m->nfailed++;
}

/* The next attempt after a temporary failure: the destination's reopening
 * when it is down, else the recipient's step of control/retryschedule; but
 * never after the message's lifetime runs out, when it gets its last
 * attempt. */
static uint64_t next_attempt(send_ctx const *ctx, msg const *m, rcpt const *r, dest const *d)
{
  uint64_t w = d && d->next_try > ctx->now ? d->next_try : retrysched_next(&ctx->set.sched, ctx->now, r->n);
  uint64_t lt = ctx->set.lifetime;
  if (lt && m->inf.t <= UINT64_MAX - lt && w > m->inf.t + lt) w = m->inf.t + lt > ctx->now ? m->inf.t + lt : ctx->now;
  return w;
}

/* One recipient's result; d: its destination, its state after the result. */
static void one(send_ctx *ctx, job *j, int c, rcpt *r, char const *line, dest const *d)
{
  char buf[SPAWN_RESULT_MAX + 8];
  msg *m = j->m;
  r->busy = 0;
  if (r->n < UINT32_MAX) r->n++;
  if (rcptrec_set_result(r, line) < 0) schedq_nomem(ctx);
  m->dirty[c] = 1;
  if (line[0] == 'K') {
    r->state = RCPT_DONE;
    log_result(ctx, j, r->addr, 0, line, 0);
  } else if (line[0] == 'D') {
    fail(m, r);
    log_result(ctx, j, r->addr, 2, line, 0);
  } else if (ctx->set.lifetime && ctx->now >= m->inf.t + ctx->set.lifetime
             && results_expired(buf, sizeof buf, line) == 0) {
    /* the last attempt after queuelifetime: what is still temporary
     * becomes permanent, with its own status (4.x.x) */
    if (rcptrec_set_result(r, buf) < 0) schedq_nomem(ctx);
    fail(m, r);
    log_result(ctx, j, r->addr, 2, buf, 1);
  } else {
    r->w = next_attempt(ctx, m, r, d);
    log_result(ctx, j, r->addr, 1, line, 0);
  }
}

static void end_job(send_ctx *ctx, int c, job *j)
{
  chan *ch = &ctx->ch[c];
  msg *m = j->m;
  m->inflight--;
  ch->g.inflight--;
  free(j->ri);
  j->ri = 0;
  j->m = 0;
  j->d = 0;
  ctx->status_changed = 1;
  message_mark(ctx, m);
  schedq_gate_freed(ctx, &ch->g);
}

void results_apply(send_ctx *ctx, int c, spawnresp *p)
{
  chan *ch = &ctx->ch[c];
  job *j;
  char const *missing = "Z4.3.0 - the spawner gave no result for this recipient";
  if (p->slot >= ch->njobs || !(j = &ch->jobs[p->slot])->m) {
    slog l;
    slog_start(&l, ctx->logfd);
    slog_str(&l, "posta-send: warning: posta-");
    slog_str(&l, c == CHAN_LOCAL ? "lspawn" : "rspawn");
    slog_str(&l, " answered for a slot with no delivery: ");
    slog_u(&l, p->slot);
    slog_end(&l);
    return;
  }
  for (size_t k = p->n; k < j->nr && k < SPAWN_RCPT_MAX; k++) p->result[k] = (char *)missing;
  if (j->d) {
    /* a local mailbox only counts its deliveries: it never closes */
    if (c == CHAN_REMOTE) dest_record(j->d, dest_verdict((char const *const *)p->result, j->nr), ctx->now, &ctx->set.sched);
    j->d->inflight--;
  }
  for (size_t k = 0; k < j->nr; k++)
    one(ctx, j, c, &j->m->rc[c].v[j->ri[k]], p->result[k], j->d);
  if (j->d && c == CHAN_REMOTE) schedq_dest_freed(ctx, j->d);
  else if (j->d) schedq_box_freed(ctx, j->d);
  end_job(ctx, c, j);
}

void results_abandon(send_ctx *ctx, int c)
{
  chan *ch = &ctx->ch[c];
  for (unsigned s = 0; s < ch->njobs; s++) {
    job *j = &ch->jobs[s];
    if (!j->m) continue;
    /* no result will come: the recipients stay pending, on disk as in
     * memory, and are tried again after the restart */
    for (size_t k = 0; k < j->nr; k++) j->m->rc[c].v[j->ri[k]].busy = 0;
    if (j->d) {
      j->d->inflight--;
      if (c == CHAN_LOCAL) schedq_box_freed(ctx, j->d);
    }
    end_job(ctx, c, j);
  }
}

int results_read(send_ctx *ctx, int c)
{
  chan *ch = &ctx->ch[c];
  for (;;) {
    spawnresp p;
    ssize_t r = spawnproto_resp_recv(ch->fd, ctx->rbuf, SPAWN_PACKET_MAX);
    if (r < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      if (errno == EINTR) continue;
      if (errno != EPROTO) return -1;
    } else if (!r) return -1;
    if (r < 0 || spawnproto_resp_parse(&p, ctx->rbuf, (size_t)r) < 0) {
      slog l;
      slog_start(&l, ctx->logfd);
      slog_str(&l, "posta-send: warning: malformed response from posta-");
      slog_str(&l, c == CHAN_LOCAL ? "lspawn" : "rspawn");
      slog_end(&l);
      continue;
    }
    results_apply(ctx, c, &p);
  }
}
