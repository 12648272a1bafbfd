/* init: setting posta-send up. See init.h. */
#include "posta-send/init.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/strerr.h>

#include "common/durable.h"
#include "posta-send/cleancl.h"
#include "posta-send/dispatch.h"
#include "posta-send/message.h"
#include "posta-send/schedq.h"
#include "posta-send/settings.h"
#include "posta-send/slog.h"
#include "posta-send/wbatch.h"

static void helper_fd(int fd)
{
  char num[8] = { (char)('0' + fd), 0 };
  if (fcntl(fd, F_GETFD) < 0) strerr_dief(100, "descriptor ", num, " is not open: posta-send is started by posta-start");
  if (coe(fd) < 0 || ndelay_on(fd) < 0) strerr_diefu(111, "set up descriptor ", num);
}

static void lock_queue(send_ctx *ctx)
{
  ctx->fd_lock = open("queue/lock/sendmutex", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (ctx->fd_lock < 0) strerr_diefusys(111, "open queue/lock/sendmutex");
  if (flock(ctx->fd_lock, LOCK_EX | LOCK_NB) < 0) {
    if (errno == EWOULDBLOCK) strerr_dief(111, "another posta-send holds queue/lock/sendmutex");
    strerr_diefusys(111, "lock queue/lock/sendmutex");
  }
}

static void open_trigger(send_ctx *ctx)
{
  ctx->fd_trigger = open("queue/lock/trigger", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (ctx->fd_trigger < 0) strerr_diefusys(111, "open queue/lock/trigger");
  /* a writer of our own: the FIFO never reads as closed between injectors */
  ctx->fd_trigger_w = open("queue/lock/trigger", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (ctx->fd_trigger_w < 0) strerr_diefusys(111, "open queue/lock/trigger for writing");
}

static void signals(send_ctx *ctx)
{
  sigset_t set;
  ctx->fd_sig = selfpipe_init();
  if (ctx->fd_sig < 0) strerr_diefusys(111, "create the selfpipe");
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGALRM);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  if (selfpipe_trapset(&set) < 0) strerr_diefusys(111, "trap signals");
  if (sig_ignore(SIGPIPE) < 0) strerr_diefusys(111, "ignore SIGPIPE");
}

static void channels(send_ctx *ctx)
{
  static char const *const names[CHAN_N] = { "local", "remote" };
  int const fds[CHAN_N] = { FD_LSPAWN, FD_RSPAWN };
  for (int c = 0; c < CHAN_N; c++) {
    chan *ch = &ctx->ch[c];
    ch->name = names[c];
    ch->fd = fds[c];
    ch->g.limit = ch->start_limit = ctx->set.conc[c];
    if (dispatch_slots(ch, ch->g.limit) < 0) strerr_diefusys(111, "allocate delivery slots");
  }
  ctx->bounce.limit = BOUNCE_CONCURRENCY;
  ctx->req.s = malloc(SPAWN_PACKET_MAX);
  ctx->rbuf = malloc(SPAWN_PACKET_MAX);
  if (!ctx->req.s || !ctx->rbuf) strerr_diefusys(111, "allocate buffers");
}

void init_all(send_ctx *ctx, int notify)
{
  ctx->logfd = 2;
  ctx->fd_notify = notify;
  ctx->put = durable_put;
  ctx->rm = durable_remove;
  ctx->syncdir = durable_fsync_dir;
  ctx->now = (uint64_t)time(0);
  for (int fd = FD_LSPAWN; fd <= FD_CLEAN_R; fd++) helper_fd(fd);
  if (notify >= 0 && coe(notify) < 0) strerr_diefusys(111, "set up the notification descriptor");
  lock_queue(ctx);
  open_trigger(ctx);
  signals(ctx);
  settings_default(&ctx->set);
  settings_load(&ctx->set, ctx->logfd);
  channels(ctx);
  cleancl_init(&ctx->cl, FD_CLEAN_W, FD_CLEAN_R);
  qwalk_start(&ctx->todo, "todo");
  qwalk_start(&ctx->infoscan, "info");
  ctx->cmd_again = 1;
  ctx->recover_next = ctx->now;
}

void init_reload(send_ctx *ctx)
{
  slog l;
  unsigned bad = settings_load(&ctx->set, ctx->logfd);
  for (int c = 0; c < CHAN_N; c++) {
    chan *ch = &ctx->ch[c];
    /* the spawners size their slots when they start, which is when
     * posta-send starts: more takes a restart */
    if (ctx->set.conc[c] > ch->start_limit) {
      slog_start(&l, ctx->logfd);
      slog_str(&l, "posta-send: info: control/concurrency");
      slog_str(&l, ch->name);
      slog_str(&l, " above its value at start takes effect at the next restart");
      slog_end(&l);
      ctx->set.conc[c] = ch->start_limit;
    }
    ch->g.limit = ctx->set.conc[c];
    schedq_gate_freed(ctx, &ch->g);
  }
  slog_start(&l, ctx->logfd);
  slog_str(&l, "posta-send: info: control files read again");
  if (bad) slog_str(&l, ", some kept their previous values");
  slog_end(&l);
  ctx->status_changed = 1;
}

void init_free(send_ctx *ctx)
{
  while (ctx->active) message_unload(ctx, ctx->active);
  ctx->flush = 0;
  for (int c = 0; c < CHAN_N; c++) {
    for (unsigned s = 0; s < ctx->ch[c].njobs; s++) free(ctx->ch[c].jobs[s].ri);
    free(ctx->ch[c].jobs);
    ctx->ch[c].jobs = 0;
    ctx->ch[c].njobs = 0;
    idq_free(&ctx->ch[c].g.waiters);
  }
  idq_free(&ctx->bounce.waiters);
  dest_free_all(&ctx->dests);
  dest_free_all(&ctx->boxes);
  mheap_free(&ctx->heap);
  idq_free(&ctx->ready);
  idset_free(&ctx->known);
  idset_free(&ctx->cmd_wait);
  free(ctx->cl.out);
  ctx->cl.out = 0;
  idq_free(&ctx->cl.sent);
  idq_free(&ctx->cl.ops);
  idset_free(&ctx->cl.todo_asked);
  qwalk_stop(&ctx->todo);
  qwalk_stop(&ctx->infoscan);
  qwalk_stop(&ctx->recov);
  settings_free(&ctx->set);
  free(ctx->req.s);
  free(ctx->rbuf);
  ctx->req.s = ctx->rbuf = 0;
}
