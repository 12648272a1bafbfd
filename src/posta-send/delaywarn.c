/* delaywarn: asking for a delay notice. See delaywarn.h. */
#include "posta-send/delaywarn.h"

#include <errno.h>
#include <string.h>

#include "common/qpath.h"
#include "posta-send/bouncerec.h"
#include "posta-send/message.h"
#include "posta-send/slog.h"
#include "posta-send/wbatch.h"

static int pending(rcpt const *x)
{
  return x->state == RCPT_PENDING && !x->failed;
}

static size_t count_pending(msg const *m)
{
  size_t n = 0;
  for (int c = 0; c < CHAN_N; c++)
    for (size_t i = 0; i < m->rc[c].n; i++) n += pending(&m->rc[c].v[i]);
  return n;
}

/* queue/delay/N/ID, durably: 0 or -1 (logged). */
static int write_record(send_ctx *ctx, msg *m)
{
  char path[QPATH_MAX];
  bouncerec b = BOUNCEREC_ZERO;
  rec_buf out = REC_BUF_ZERO;
  wbatch w = WBATCH_ZERO;
  int r = -1;
  qpath(path, "delay", m->id);
  b.sender = m->inf.sender;   /* borrowed: b is not bouncerec_free'd */
  b.t = m->inf.t;
  b.kind = BOUNCE_DELAY;
  for (int c = 0; c < CHAN_N; c++)
    for (size_t i = 0; i < m->rc[c].n; i++) {
      rcpt const *x = &m->rc[c].v[i];
      if (pending(x) && rcptrec_add(&b.failed, x->addr, RCPT_PENDING, 0, 0, x->e) < 0) goto end;
    }
  if (bouncerec_build(&out, &b) < 0) goto end;
  if (wbatch_put(ctx, &w, path, out.s, out.len) < 0 || wbatch_commit(ctx, &w) < 0) goto end;
  r = 0;
end:
  if (r < 0) slog_unable(ctx->logfd, "write ", path, errno);
  rcptrec_free(&b.failed);
  rec_free(&out);
  return r;
}

/* info with d set to now, durably: 0 or -1 (logged, d still 0). */
static int write_info(send_ctx *ctx, msg *m)
{
  char path[QPATH_MAX];
  wbatch w = WBATCH_ZERO;
  m->inf.d = ctx->now;
  if (message_put_info(ctx, &w, m) == 0 && wbatch_commit(ctx, &w) == 0) return 0;
  m->inf.d = 0;
  qpath(path, "info", m->id);
  slog_unable(ctx->logfd, "fsync ", path, errno);
  return -1;
}

static void say(send_ctx *ctx, uint64_t id, size_t n)
{
  slog l;
  slog_msg(&l, ctx->logfd, "delay", id);
  slog_str(&l, " written for ");
  slog_u(&l, n);
  slog_str(&l, n == 1 ? " pending recipient" : " pending recipients");
  slog_end(&l);
}

uint64_t delaywarn_check(send_ctx *ctx, msg *m)
{
  notice *nt = &m->nt[NOTE_DELAY];
  uint64_t retry = retrysched_next(&ctx->set.sched, ctx->now, 1);
  if (!nt->has) {
    uint64_t dw = ctx->set.delaywarning;
    size_t n;
    if (!dw || !m->inf.sender[0] || m->inf.d || !(n = count_pending(m))) return UINT64_MAX;
    if (m->inf.t > UINT64_MAX - dw) return UINT64_MAX;
    if (ctx->now < m->inf.t + dw) return m->inf.t + dw;
    if (write_record(ctx, m) < 0) return retry;
    nt->has = 1;
    nt->due = 0;
    say(ctx, m->id, n);
  }
  if (!m->inf.d && write_info(ctx, m) < 0) {
    /* posta-bounce -d waits for d: without it a restart would not know
     * the notice was sent */
    nt->due = retry;
    return retry;
  }
  return UINT64_MAX;
}
