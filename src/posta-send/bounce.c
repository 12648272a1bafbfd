/* bounce: bounce records and running posta-bounce. See bounce.h. */
#include "posta-send/bounce.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/qpath.h"
#include "posta-send/bouncerec.h"
#include "posta-send/message.h"
#include "posta-send/sched.h"
#include "posta-send/slog.h"

static void say(send_ctx *ctx, uint64_t id, char const *what, char const *why)
{
  slog l;
  slog_start(&l, ctx->logfd);
  slog_str(&l, "bounce msg ");
  slog_u(&l, id);
  slog_str(&l, what);
  if (why) slog_str(&l, why);
  slog_end(&l);
}

/* The record as it is on disk, or a new one. */
static int current(send_ctx *ctx, msg *m, bouncerec *b, char const *path)
{
  char *buf;
  size_t len;
  if (m->has_bounce) {
    if (rec_slurp(path, 64u << 20, &buf, &len) == 0) {
      int r = bouncerec_parse(b, buf, len);
      free(buf);
      if (r == 0) return 0;
      /* posta-send writes it whole and durably: only a damaged disk gets
       * here, and then the failures it held are lost; say so */
      say(ctx, m->id, " warning: replacing an unreadable bounce record", 0);
    } else if (errno != ENOENT) return -1;
  }
  b->sender = strdup(m->inf.sender);
  if (!b->sender) return -1;
  b->t = m->inf.t;
  b->kind = BOUNCE_FAILURE;
  return 0;
}

int bounce_record(send_ctx *ctx, msg *m)
{
  char path[QPATH_MAX], tmp[QPATH_MAX + 8];
  bouncerec b = BOUNCEREC_ZERO;
  rec_buf out = REC_BUF_ZERO;
  int r = -1;
  qpath(path, "bounce", m->id);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  if (current(ctx, m, &b, path) < 0) goto end;
  for (int c = 0; c < CHAN_N; c++)
    for (size_t i = 0; i < m->rc[c].n; i++) {
      rcpt *x = &m->rc[c].v[i];
      if (x->failed && rcptlist_add(&b.failed, x->addr, RCPT_BOUNCED, 0, 0, x->e) < 0) goto end;
    }
  if (bouncerec_build(&out, &b) < 0) goto end;
  if (ctx->replace(path, tmp, out.s, out.len, 0600) < 0) goto end;
  for (int c = 0; c < CHAN_N; c++)
    for (size_t i = 0; i < m->rc[c].n; i++) {
      rcpt *x = &m->rc[c].v[i];
      if (!x->failed) continue;
      x->failed = 0;
      x->state = RCPT_BOUNCED;
      m->dirty[c] = 1;
    }
  m->nfailed = 0;
  m->has_bounce = 1;
  r = 0;
end:
  if (r < 0) {
    slog l;
    slog_start(&l, ctx->logfd);
    slog_str(&l, "posta-send: warning: unable to write ");
    slog_str(&l, path);
    slog_str(&l, ": ");
    slog_str(&l, strerror(errno));
    slog_end(&l);
  }
  rec_free(&out);
  bouncerec_free(&b);
  return r;
}

static void child(uint64_t id)
{
  char num[24];
  char *argv[3] = { "posta-bounce", num, 0 };
  extern char **environ;
  int fd = open("/dev/null", O_RDONLY);
  sigset_t none;
  /* posta-send blocks the signals it traps and ignores SIGPIPE: a child
   * must not inherit either */
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, 0);
  signal(SIGPIPE, SIG_DFL);
  snprintf(num, sizeof num, "%llu", (unsigned long long)id);
  if (fd >= 0 && fd != 0) { dup2(fd, 0); close(fd); }
  dup2(2, 1);
  execve(BOUNCE_PROGRAM, argv, environ);
  {
    char line[200];
    int n = snprintf(line, sizeof line, "posta-send: warning: unable to exec %s: %s\n", BOUNCE_PROGRAM, strerror(errno));
    if (write(2, line, (size_t)n) < 0) _exit(111);
  }
  _exit(111);
}

int bounce_start(send_ctx *ctx, msg *m)
{
  char num[24];
  pid_t pid = fork();
  if (pid < 0) {
    say(ctx, m->id, " deferral: unable to fork: ", strerror(errno));
    m->bounce_due = retrysched_next(&ctx->set.sched, ctx->now, 1);
    return -1;
  }
  if (!pid) child(m->id);
  m->bounce_pid = pid;
  ctx->bounce.inflight++;
  snprintf(num, sizeof num, "%lld", (long long)pid);
  say(ctx, m->id, " qp ", num);
  return 0;
}

static void ended(send_ctx *ctx, msg *m, int wstat)
{
  char path[QPATH_MAX], why[64];
  qpath(path, "bounce", m->id);
  if (WIFEXITED(wstat) && WEXITSTATUS(wstat) == 0) {
    if (ctx->unlink(path) == 0) {
      m->has_bounce = 0;
      say(ctx, m->id, " done", 0);
      return;
    }
    snprintf(why, sizeof why, "unable to remove the bounce record: %s", strerror(errno));
  } else if (WIFEXITED(wstat)) snprintf(why, sizeof why, "posta-bounce exited %d", WEXITSTATUS(wstat));
  else snprintf(why, sizeof why, "posta-bounce crashed with signal %d", WTERMSIG(wstat));
  say(ctx, m->id, " deferral: ", why);
  m->bounce_due = retrysched_next(&ctx->set.sched, ctx->now, 1);
}

int bounce_reaped(send_ctx *ctx, pid_t pid, int wstat)
{
  for (msg *m = ctx->active; m; m = m->next) {
    if (m->bounce_pid != pid) continue;
    m->bounce_pid = 0;
    ctx->bounce.inflight--;
    ended(ctx, m, wstat);
    msg_mark(ctx, m);
    sched_gate_freed(ctx, &ctx->bounce);
    return 1;
  }
  return 0;
}
