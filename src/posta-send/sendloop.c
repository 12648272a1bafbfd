/* sendloop: the main loop. See sendloop.h. */
#include "posta-send/sendloop.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/selfpipe.h>

#include "common/cmdrec.h"
#include "posta-send/bouncerun.h"
#include "posta-send/cleancl.h"
#include "posta-send/dispatch.h"
#include "posta-send/init.h"
#include "posta-send/message.h"
#include "posta-send/preproc.h"
#include "posta-send/qcmd.h"
#include "posta-send/recover.h"
#include "posta-send/results.h"
#include "posta-send/schedq.h"
#include "posta-send/settings.h"
#include "posta-send/slog.h"

enum { P_SIG, P_TRIGGER, P_LOCAL, P_REMOTE, P_CLEAN_R, P_CLEAN_W, P_N };

static void note(send_ctx *ctx, char const *what)
{
  slog l;
  slog_start(&l, ctx->logfd);
  slog_str(&l, "posta-send: ");
  slog_str(&l, what);
  slog_end(&l);
}

static void reap(send_ctx *ctx)
{
  int wstat;
  pid_t pid;
  while ((pid = waitpid(-1, &wstat, WNOHANG)) > 0)
    if (!bouncerun_reaped(ctx, pid, wstat)) note(ctx, "warning: a helper process ended");
}

typedef void sig_handler(send_ctx *);
static void on_chld(send_ctx *ctx) { reap(ctx); }
static void on_hup(send_ctx *ctx) { init_reload(ctx); }
static void on_alrm(send_ctx *ctx) { note(ctx, "info: SIGALRM: trying everything now"); schedq_force_all(ctx); }
static void on_term(send_ctx *ctx)
{
  /* a second one: stop waiting for the deliveries in flight */
  if (ctx->stopping) ctx->stop_by = ctx->now;
  note(ctx, "info: stopping");
  schedq_stop(ctx, 0);
}

static struct { int sig; sig_handler *f; } const handlers[] = {
  { SIGCHLD, on_chld }, { SIGHUP, on_hup }, { SIGALRM, on_alrm },
  { SIGTERM, on_term }, { SIGINT, on_term },
};

static void signals(send_ctx *ctx)
{
  int s;
  while ((s = selfpipe_read()) > 0)
    for (unsigned i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
      if (handlers[i].sig == s) handlers[i].f(ctx);
}

static void trigger(send_ctx *ctx)
{
  char buf[256];
  ssize_t r;
  while ((r = read(ctx->fd_trigger, buf, sizeof buf)) > 0)
    if (memchr(buf, CMDREC_BYTE, (size_t)r)) ctx->cmd_again = 1;
  schedq_todo_rescan(ctx);
}

static void preprocess(send_ctx *ctx)
{
  uint64_t id, ids[PREPROC_BATCH];
  size_t n = 0;
  if (!ctx->todo.running) return;
  settings_domains_fresh(&ctx->set, ctx->logfd);
  while (n < PREPROC_BATCH && !ctx->stopping) {
    int r = qwalk_next(&ctx->todo, &id);
    if (r < 0) continue;
    if (!r) {
      if (!ctx->todo_again) break;
      ctx->todo_again = 0;
      qwalk_start(&ctx->todo, "todo");
      continue;
    }
    if (idset_has(&ctx->known, id)) continue;
    size_t i = 0;
    while (i < n && ids[i] != id) i++;
    if (i == n) ids[n++] = id;
  }
  if (n) preproc_batch(ctx, ids, n);
}

/* The messages already preprocessed when posta-send started. */
static void infoscan(send_ctx *ctx)
{
  uint64_t id;
  for (unsigned n = 0; n < INFOSCAN_BATCH; n++) {
    int r = qwalk_next(&ctx->infoscan, &id);
    if (!r) return;
    if (r < 0 || idset_has(&ctx->known, id)) continue;
    if (idset_add(&ctx->known, id) < 0 || mheap_push(&ctx->heap, id, 0, 0) < 0) { schedq_nomem(ctx); return; }
  }
}

static int timeout_ms(send_ctx *ctx, uint64_t last_todo)
{
  uint64_t next = schedq_next_wakeup(ctx);
  if (ctx->flush) return 0;
  /* work that goes on a batch per turn (none of it while stopping) */
  if (!ctx->stopping && (ctx->todo.running || ctx->infoscan.running || ctx->recover_stage)) return 0;
  if (!ctx->stopping && last_todo + TODO_RESCAN < next) next = last_todo + TODO_RESCAN;
  if (ctx->stopping && ctx->stop_by < next) next = ctx->stop_by;
  if (!ctx->stopping && ctx->recover_next < next) next = ctx->recover_next;
  if (next <= ctx->now) return 0;
  if (next - ctx->now > 3600) return 3600 * 1000;
  return (int)(next - ctx->now) * 1000;
}

static void events(send_ctx *ctx, struct pollfd *p)
{
  if (p[P_SIG].revents) signals(ctx);
  if (p[P_TRIGGER].revents) trigger(ctx);
  for (int c = 0; c < CHAN_N; c++) {
    chan *ch = &ctx->ch[c];
    struct pollfd *q = &p[P_LOCAL + c];
    if ((q->revents & POLLOUT) && ch->full) { ch->full = 0; schedq_gate_freed(ctx, &ch->g); }
    if ((q->revents & (POLLIN | POLLHUP | POLLERR)) && results_read(ctx, c) < 0 && ch->fd >= 0) {
      note(ctx, c == CHAN_LOCAL ? "warning: posta-lspawn is gone" : "warning: posta-rspawn is gone");
      close(ch->fd);
      ch->fd = -1;
      ch->full = 1;
      schedq_stop(ctx, 111);
      results_abandon(ctx, c);
    }
  }
  if (p[P_CLEAN_R].revents && cleancl_read(ctx) < 0 && !ctx->stopping) {
    note(ctx, "warning: posta-clean is gone");
    schedq_stop(ctx, 111);
  }
}

static void wait_events(send_ctx *ctx, uint64_t last_todo)
{
  struct pollfd p[P_N] = {
    { ctx->fd_sig, POLLIN, 0 },
    { ctx->fd_trigger, POLLIN, 0 },
    { ctx->ch[CHAN_LOCAL].fd, POLLIN | (ctx->ch[CHAN_LOCAL].full ? POLLOUT : 0), 0 },
    { ctx->ch[CHAN_REMOTE].fd, POLLIN | (ctx->ch[CHAN_REMOTE].full ? POLLOUT : 0), 0 },
    { ctx->cl.eof ? -1 : ctx->cl.rfd, POLLIN, 0 },
    { cleancl_want_write(&ctx->cl) ? ctx->cl.wfd : -1, POLLOUT, 0 },
  };
  if (poll(p, P_N, timeout_ms(ctx, last_todo)) < 0) {
    if (errno != EINTR) note(ctx, "warning: poll failed");
    return;
  }
  ctx->now = (uint64_t)time(0);
  events(ctx, p);
}

static int stopped(send_ctx *ctx)
{
  if (!ctx->stopping) return 0;
  if (ctx->ch[CHAN_LOCAL].g.inflight + ctx->ch[CHAN_REMOTE].g.inflight + ctx->bounce.inflight == 0) return 1;
  if (ctx->now < ctx->stop_by) return 0;
  note(ctx, "warning: stopping with deliveries in flight: they will be tried again");
  return 1;
}

static void housekeeping(send_ctx *ctx, uint64_t *last_todo, uint64_t *last_sweep)
{
  if (!ctx->stopping && *last_todo + TODO_RESCAN <= ctx->now) {
    *last_todo = ctx->now;
    ctx->cmd_again = 1;
    if (ctx->todo.running) ctx->todo_again = 1;
    else qwalk_start(&ctx->todo, "todo");
  }
  if (*last_sweep + 3600 <= ctx->now) {
    *last_sweep = ctx->now;
    dest_sweep(&ctx->dests, ctx->now);
    dest_sweep(&ctx->boxes, ctx->now);
  }
}

int sendloop_run(send_ctx *ctx)
{
  uint64_t last_todo = ctx->now, last_sweep = ctx->now;
  /* doc/log-format.md: an operator sees each start (and so each restart) */
  note(ctx, "info: started");
  for (;;) {
    message_flush_all(ctx);
    if (!ctx->stopping) {
      qcmd_step(ctx);
      preprocess(ctx);
      infoscan(ctx);
      schedq_step(ctx);
      if (!ctx->todo.running) recover_step(ctx);
    }
    message_flush_all(ctx);
    if (cleancl_write(ctx) < 0 && !ctx->stopping) schedq_stop(ctx, 111);
    if (ctx->status_changed) dispatch_status(ctx);
    if (ctx->fd_notify >= 0) {
      /* the first batch of todo/ is done: new mail flows from here on */
      if (write(ctx->fd_notify, "\n", 1) < 0) note(ctx, "warning: unable to write to the notification descriptor");
      close(ctx->fd_notify);
      ctx->fd_notify = -1;
    }
    if (stopped(ctx)) break;
    wait_events(ctx, last_todo);
    housekeeping(ctx, &last_todo, &last_sweep);
  }
  cleancl_write(ctx);
  note(ctx, "info: stopped");
  return ctx->exitcode;
}
