/* bouncerun: bounce records and running posta-bounce. See bouncerun.h. */
#include "posta-send/bouncerun.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/qpath.h"
#include "common/slurp.h"
#include "posta-send/bouncerec.h"
#include "posta-send/message.h"
#include "posta-send/schedq.h"
#include "posta-send/slog.h"
#include "posta-send/wbatch.h"

static char const *const folders[NOTE_N] = { "bounce", "delay" };

char const *bouncerun_folder(int note)
{
  return folders[note];
}

static void say(send_ctx *ctx, int note, uint64_t id, char const *what, char const *why)
{
  slog l;
  slog_msg(&l, ctx->logfd, folders[note], id);
  slog_str(&l, what);
  if (why) slog_str(&l, why);
  slog_end(&l);
}

/* The bounce record as it is on disk: 1 read, 0 missing, -1 unreadable
 * (errno EPROTO: not a whole bounce record). */
static int read_record(char const *path, bouncerec *b)
{
  char *buf;
  size_t len;
  if (slurp_path(path, 0, 64u << 20, &buf, &len) < 0) return errno == ENOENT ? 0 : -1;
  int r = bouncerec_parse(b, buf, len);
  free(buf);
  return r < 0 ? -1 : 1;
}

/* The record as it is on disk, or a new one. */
static int current(send_ctx *ctx, msg *m, bouncerec *b, char const *path)
{
  if (m->nt[NOTE_FAILURE].has) {
    int r = read_record(path, b);
    if (r > 0) return 0;
    if (r < 0 && errno != EPROTO) return -1;
    /* posta-send writes it whole and durably: only a damaged disk gets
     * here, and then the failures it held are lost; say so */
    if (r < 0) say(ctx, NOTE_FAILURE, m->id, " warning: replacing an unreadable bounce record", 0);
  }
  b->sender = strdup(m->inf.sender);
  if (!b->sender) return -1;
  b->t = m->inf.t;
  b->kind = BOUNCE_FAILURE;
  return 0;
}

int bouncerun_put(send_ctx *ctx, wbatch *w, msg *m)
{
  char path[QPATH_MAX];
  bouncerec b = BOUNCEREC_ZERO;
  rec_buf out = REC_BUF_ZERO;
  int r = -1;
  qpath(path, "bounce", m->id);
  if (current(ctx, m, &b, path) < 0) goto end;
  for (int c = 0; c < CHAN_N; c++)
    for (size_t i = 0; i < m->rc[c].n; i++) {
      rcpt *x = &m->rc[c].v[i];
      if (x->failed && rcptrec_add(&b.failed, x->addr, RCPT_BOUNCED, 0, 0, x->e) < 0) goto end;
    }
  if (bouncerec_build(&out, &b) < 0) goto end;
  if (wbatch_put(ctx, w, path, out.s, out.len) < 0) goto end;
  r = 0;
end:
  if (r < 0) slog_unable(ctx->logfd, "write ", path, errno);
  rec_free(&out);
  bouncerec_free(&b);
  return r;
}

void bouncerun_recorded(msg *m)
{
  for (int c = 0; c < CHAN_N; c++)
    for (size_t i = 0; i < m->rc[c].n; i++) {
      rcpt *x = &m->rc[c].v[i];
      if (!x->failed) continue;
      x->failed = 0;
      x->state = RCPT_BOUNCED;
      m->dirty[c] = 1;
    }
  m->nfailed = 0;
  m->nt[NOTE_FAILURE].has = 1;
}

/* Marks B the pending recipients of list c that the record holds: how many. */
static size_t mark_recorded(rcptlist *l, bouncerec const *b)
{
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++) {
    rcpt *x = &l->v[i];
    if (x->state != RCPT_PENDING) continue;
    for (size_t k = 0; k < b->failed.n; k++) {
      if (strcmp(x->addr, b->failed.v[k].addr)) continue;
      x->state = RCPT_BOUNCED;
      n++;
      break;
    }
  }
  return n;
}

int bouncerun_reconcile(send_ctx *ctx, msg *m)
{
  char path[QPATH_MAX];
  bouncerec b = BOUNCEREC_ZERO;
  wbatch w = WBATCH_ZERO;
  int r = 0;
  qpath(path, "bounce", m->id);
  int got = read_record(path, &b);
  if (got < 0) {
    slog_unable(ctx->logfd, "read ", path, errno);
    /* posta-bounce will say what is wrong with it, and it is set aside */
    return errno == EPROTO ? 0 : -1;
  }
  for (int c = 0; c < CHAN_N && got; c++) {
    if (!mark_recorded(&m->rc[c], &b)) continue;
    if (message_put_rcpts(ctx, &w, m, c) < 0) r = -1;
  }
  if (!r && wbatch_commit(ctx, &w) < 0) {
    slog_unable(ctx->logfd, "fsync ", "the recipients of a bounce record", errno);
    r = -1;
  }
  bouncerec_free(&b);
  return r;
}

static void child(uint64_t id, int note)
{
  char num[24];
  char *argv[4] = { "posta-bounce", num, 0, 0 };
  extern char **environ;
  int fd = open("/dev/null", O_RDONLY);
  sigset_t none;
  /* posta-send blocks the signals it traps and ignores SIGPIPE: a child
   * must not inherit either */
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, 0);
  signal(SIGPIPE, SIG_DFL);
  snprintf(num, sizeof num, "%llu", (unsigned long long)id);
  if (note == NOTE_DELAY) {
    argv[1] = "-d";
    argv[2] = num;
  }
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

int bouncerun_start(send_ctx *ctx, msg *m, int note)
{
  char num[24];
  pid_t pid = fork();
  if (pid < 0) {
    say(ctx, note, m->id, " deferral: unable to fork: ", strerror(errno));
    m->nt[note].due = retrysched_next(&ctx->set.sched, ctx->now, 1);
    return -1;
  }
  if (!pid) child(m->id, note);
  m->nt[note].pid = pid;
  ctx->bounce.inflight++;
  snprintf(num, sizeof num, "%lld", (long long)pid);
  say(ctx, note, m->id, " qp ", num);
  return 0;
}

/* posta-bounce exited 100: the record goes aside, under a name that no scan
 * takes for a record and that replaces nothing. 0, or -1 with errno. */
static int set_aside(send_ctx *ctx, char const *path, char *bad, size_t max)
{
  char dir[QPATH_MAX];
  snprintf(bad, max, "%s.bad", path);
  if (renameat2(AT_FDCWD, path, AT_FDCWD, bad, RENAME_NOREPLACE) < 0) {
    if (errno != EEXIST) return -1;
    snprintf(bad, max, "%s.%llu.bad", path, (unsigned long long)ctx->now);
    if (renameat2(AT_FDCWD, path, AT_FDCWD, bad, RENAME_NOREPLACE) < 0) return -1;
  }
  snprintf(dir, sizeof dir, "%s", path);
  *strrchr(dir, '/') = 0;
  return ctx->syncdir(dir);
}

static void ended(send_ctx *ctx, msg *m, int note, int wstat)
{
  char path[QPATH_MAX], bad[QPATH_MAX + 32], why[QPATH_MAX + 96];
  qpath(path, folders[note], m->id);
  if (WIFEXITED(wstat) && WEXITSTATUS(wstat) == 0) {
    wbatch w = WBATCH_ZERO;
    if (wbatch_remove(ctx, &w, path) == 0 && wbatch_commit(ctx, &w) == 0) {
      m->nt[note].has = 0;
      say(ctx, note, m->id, " done", 0);
      return;
    }
    snprintf(why, sizeof why, "unable to remove the record: %s", strerror(errno));
  } else if (WIFEXITED(wstat) && WEXITSTATUS(wstat) == 100) {
    if (set_aside(ctx, path, bad, sizeof bad) == 0) {
      m->nt[note].has = 0;
      say(ctx, note, m->id, " set aside: posta-bounce exited 100, the record is now ", bad);
      return;
    }
    snprintf(why, sizeof why, "posta-bounce exited 100, unable to set the record aside: %s", strerror(errno));
  } else if (WIFEXITED(wstat)) snprintf(why, sizeof why, "posta-bounce exited %d", WEXITSTATUS(wstat));
  else snprintf(why, sizeof why, "posta-bounce crashed with signal %d", WTERMSIG(wstat));
  say(ctx, note, m->id, " deferral: ", why);
  m->nt[note].due = retrysched_next(&ctx->set.sched, ctx->now, 1);
}

int bouncerun_reaped(send_ctx *ctx, pid_t pid, int wstat)
{
  for (msg *m = ctx->active; m; m = m->next)
    for (int note = 0; note < NOTE_N; note++) {
      if (m->nt[note].pid != pid) continue;
      m->nt[note].pid = 0;
      ctx->bounce.inflight--;
      ended(ctx, m, note, wstat);
      message_mark(ctx, m);
      schedq_gate_freed(ctx, &ctx->bounce);
      return 1;
    }
  return 0;
}

int bouncerun_running(msg const *m)
{
  for (int note = 0; note < NOTE_N; note++)
    if (m->nt[note].pid) return 1;
  return 0;
}
