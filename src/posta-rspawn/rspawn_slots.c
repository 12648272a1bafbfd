/* rspawn_slots: start posta-remote for a request, collect its output, and
 * answer once it is done. See rspawn.h. */
#include "posta-rspawn/rspawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "posta-rspawn/rspawn_resp.h"

extern char **environ;

static void answer(rspawn *r, unsigned long slot, unsigned int n, char const *output, size_t len, char const *missing)
{
  char *buf = malloc(rspawn_resp_size(n));
  if (!buf) {
    strerr_warnwu("allocate an answer: ", "out of memory");
    r->lost = 1;
    return;
  }
  size_t blen = rspawn_resp_build(buf, slot, n, output, len, missing);
  if (rspawn_answer_queue(r, buf, blen) < 0) r->lost = 1;
  free(buf);
}

void rspawn_refuse(rspawn *r, rspawn_req const *req, char const *why)
{
  char missing[200];
  char fmt[ULONG_FMT];
  fmt[ulong_fmt(fmt, req->slot)] = 0;
  strerr_warnw("refused request for slot ", fmt, ": ", why);
  snprintf(missing, sizeof missing, "Z4.3.0 - posta-rspawn refused the request: %s", why);
  answer(r, req->slot, req->ntotal, "", 0, missing);
}

/* posix_spawn: the message on 0, the pipe on 1, signals as at birth. */
static pid_t spawn(rspawn *r, rspawn_req const *req, int msgfd, int pw)
{
  char const *argv[RSPAWN_RCPT_MAX + 5];
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t none, dflt;
  pid_t pid;
  unsigned int k = 0;
  argv[k++] = r->prog;
  argv[k++] = req->host;
  argv[k++] = req->sender;
  for (unsigned int i = 0; i < req->n; i++) argv[k++] = req->rcpt[i];
  argv[k] = 0;
  sigemptyset(&none);
  sigemptyset(&dflt);
  sigaddset(&dflt, SIGPIPE);
  sigaddset(&dflt, SIGCHLD);
  sigaddset(&dflt, SIGHUP);
  sigaddset(&dflt, SIGTERM);
  if (posix_spawn_file_actions_init(&fa)) return -1;
  if (posix_spawnattr_init(&attr)) { posix_spawn_file_actions_destroy(&fa); return -1; }
  posix_spawn_file_actions_adddup2(&fa, msgfd, 0);
  posix_spawn_file_actions_adddup2(&fa, pw, 1);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &dflt);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  int e = posix_spawn(&pid, r->prog, &fa, &attr, (char *const *)argv, environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  if (e) { errno = e; return -1; }
  return pid;
}

void rspawn_start(rspawn *r, rspawn_req const *req, int msgfd)
{
  int p[2];
  if (req->slot >= r->concurrency) {
    rspawn_refuse(r, req, "slot beyond control/concurrencyremote");
    close(msgfd);
    return;
  }
  rspawn_slot *s = &r->slot[req->slot];
  if (s->pid) {
    rspawn_refuse(r, req, "slot already in use");
    close(msgfd);
    return;
  }
  if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
    rspawn_refuse(r, req, "unable to create a pipe");
    close(msgfd);
    return;
  }
  pid_t pid = spawn(r, req, msgfd, p[1]);
  int e = errno;
  close(p[1]);
  close(msgfd);
  if (pid < 0) {
    close(p[0]);
    rspawn_refuse(r, req, e == ENOENT ? "posta-remote is missing" : "unable to run posta-remote");
    return;
  }
  s->pid = pid;
  s->out = p[0];
  s->status = 0;
  s->reaped = 0;
  s->n = req->n;
  snprintf(s->id, sizeof s->id, "%s", req->id);
  s->len = 0;
  s->cap = (size_t)req->n * (RSPAWN_LINE_MAX + 1) + 1024;
  s->buf = 0;
  r->running++;
}

void rspawn_read_output(rspawn *r, unsigned int i)
{
  rspawn_slot *s = &r->slot[i];
  char scratch[4096];
  if (!s->buf && !(s->buf = malloc(s->cap))) s->cap = 0;
  for (;;) {
    int full = s->len >= s->cap;
    ssize_t n = full ? read(s->out, scratch, sizeof scratch) : read(s->out, s->buf + s->len, s->cap - s->len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) break;   /* end, or an error that ends it */
    if (!full) s->len += (size_t)n;
  }
  close(s->out);
  s->out = -1;
}

void rspawn_reap(rspawn *r)
{
  int st;
  pid_t pid;
  while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
    for (unsigned int i = 0; i < RSPAWN_CONCURRENCY_MAX; i++)
      if (r->slot[i].pid == pid) {
        r->slot[i].status = st;
        r->slot[i].reaped = 1;
        break;
      }
}

static void missing_text(char *out, size_t size, rspawn_slot const *s)
{
  char fmt[UINT_FMT];
  if (WIFSIGNALED(s->status)) {
    fmt[uint_fmt(fmt, (unsigned int)WTERMSIG(s->status))] = 0;
    strerr_warnw("posta-remote for message ", s->id, " crashed with signal ", fmt);
    snprintf(out, size, "Z4.3.0 - posta-remote crashed (signal %d)", WTERMSIG(s->status));
  } else if (WEXITSTATUS(s->status)) {
    snprintf(out, size, "Z4.3.0 - posta-remote exited %d without a result", WEXITSTATUS(s->status));
  } else {
    snprintf(out, size, "Z4.3.0 - posta-remote crashed: it gave no result for this recipient");
  }
}

void rspawn_finish(rspawn *r)
{
  char missing[200];
  for (unsigned int i = 0; i < RSPAWN_CONCURRENCY_MAX && r->running; i++) {
    rspawn_slot *s = &r->slot[i];
    if (!s->pid || !s->reaped || s->out >= 0) continue;
    missing_text(missing, sizeof missing, s);
    answer(r, i, s->n, s->buf ? s->buf : "", s->len, missing);
    free(s->buf);
    s->buf = 0;
    s->pid = 0;
    r->running--;
  }
}
