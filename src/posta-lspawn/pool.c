/* pool: posta-lspawn's virtual-mailbox workers, its side. See lspawn.h.
 *
 * Forks the workers at start and one whenever one has ended (never per
 * delivery; a worker that ended before serving anything is started again
 * a second later at the earliest), offers each request to an idle one,
 * and follows the hand-off of worker.h: 'M' gets the message's
 * descriptor, 'F' a forked child as before, 'R' the answer to posta-send.
 * After control/localmaxuse hand-offs it closes the worker's socket: the
 * worker exits at end of file and is replaced. A worker that ends with a
 * delivery in flight has it answered as a temporary failure
 * (answer_build, its wait status), which posta-send retries. Never
 * blocks: every socket operation is MSG_DONTWAIT. */
#include "posta-lspawn/lspawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/fdpass.h"

#include "posta-lspawn/answer.h"
#include "posta-lspawn/worker.h"

static int spawn(lspawn *l, lspawn_worker *w)
{
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sp) < 0) return -1;
  pid_t pid = fork();
  if (!pid) {
    close(sp[0]);
    int fl = fcntl(sp[1], F_GETFL);   /* the worker waits for its work */
    if (fl < 0 || fcntl(sp[1], F_SETFL, fl & ~O_NONBLOCK) < 0) _exit(111);
    worker_run(l->home, sp[1], l->vuid, l->vgid);
  }
  close(sp[1]);
  if (pid < 0) {
    close(sp[0]);
    return -1;
  }
  w->pid = pid;
  w->fd = sp[0];
  w->slot = -1;
  w->used = 0;
  return 0;
}

int pool_start(lspawn *l)
{
  int waiting = 0;
  uint64_t now = 0;
  for (unsigned k = 0; k < l->nw; k++) {
    lspawn_worker *w = &l->w[k];
    if (w->pid) continue;
    if (!now) now = lspawn_now();
    if (w->due > now || spawn(l, w) < 0) {
      if (w->due <= now) {
        strerr_warnwu1sys("fork a worker");
        w->due = now + 1000;
      }
      waiting = 1;
    }
  }
  return waiting;
}

static int tell(lspawn_worker *w, char kind, char const *data, size_t len, int fd)
{
  char b[1 + REQUEST_MAX];
  b[0] = kind;
  memcpy(b + 1, data, len);
  return fdpass_send(w->fd, b, 1 + len, fd);
}

/* The worker is of no more use: its end of file makes it exit. */
static void retire(lspawn_worker *w)
{
  if (w->fd >= 0) close(w->fd);
  w->fd = -1;
}

int pool_hand(lspawn *l, unsigned i)
{
  lspawn_slot *s = &l->slot[i];
  for (unsigned k = 0; k < l->nw; k++) {
    lspawn_worker *w = &l->w[k];
    if (!w->pid || w->fd < 0 || w->slot >= 0) continue;
    if (tell(w, 'L', s->req, s->reqlen, -1) < 0) {
      retire(w);
      continue;
    }
    w->slot = (int)i;
    w->phase = 1;
    s->worker = (int)k;
    return 0;
  }
  return -1;
}

/* The hand-off is over, answered or forked. */
static void done(lspawn *l, lspawn_worker *w)
{
  lspawn_slot *s = &l->slot[w->slot];
  s->worker = -1;
  w->slot = -1;
  if (++w->used >= l->maxuse) retire(w);
}

static void result(lspawn *l, lspawn_worker *w, char const *b, size_t n)
{
  char out[ANSWER_MAX];
  lspawn_slot *s = &l->slot[w->slot];
  char const *z = memchr(b, 0, n);
  int code = -1;
  if (z && z - b >= 2 && z - b <= 4) {
    code = 0;
    for (char const *p = b + 1; p < z; p++) code = *p >= '0' && *p <= '9' ? code * 10 + (*p - '0') : -1000;
  }
  unsigned slot = (unsigned)w->slot;
  close(s->msg);
  s->msg = -1;
  l->running--;
  done(l, w);
  if (code != 0 && code != 99 && code != 100 && code != 111)
    lspawn_answer(l, out, answer_fail(out, slot, 'Z', "4.3.0", "a worker gave a bad answer"));
  else
    lspawn_answer(l, out, answer_build(out, slot, code << 8, z + 1, n - (size_t)(z + 1 - b)));
}

/* One packet from a worker with a delivery in flight. */
static void packet(lspawn *l, lspawn_worker *w, char const *b, size_t n)
{
  unsigned slot = (unsigned)w->slot;
  if (b[0] == 'M' && n == 1 && w->phase == 1) {
    w->phase = 2;
    if (tell(w, 'D', "", 0, l->slot[slot].msg) == 0) return;
    retire(w);   /* nothing delivered yet: a child does it */
  } else if (b[0] == 'R' && w->phase == 2) {
    result(l, w, b, n);
    return;
  } else if (!(b[0] == 'F' && n == 1)) {
    strerr_warnw1x("a worker gave a bad answer: retired");
    retire(w);
  }
  done(l, w);
  lspawn_fork(l, slot);
}

/* Up to max packets: a worker sends one and waits for the next step, so
 * one per wakeup is enough; more when it has ended. */
static void hear(lspawn *l, unsigned k, unsigned max)
{
  char b[16 + ANSWER_MAX];
  lspawn_worker *w = &l->w[k];
  for (unsigned i = 0; i < max && w->fd >= 0; i++) {
    ssize_t n = recv(w->fd, b, sizeof b - 1, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      retire(w);   /* gone: pool_reaped answers what it had */
      return;
    }
    b[n] = 0;
    if (w->slot < 0) {
      strerr_warnw1x("a worker spoke out of turn: retired");
      retire(w);
      return;
    }
    packet(l, w, b, (size_t)n);
  }
}

void pool_event(lspawn *l, unsigned k)
{
  hear(l, k, 1);
}

int pool_reaped(lspawn *l, pid_t pid, int status)
{
  char out[ANSWER_MAX];
  for (unsigned k = 0; k < l->nw; k++) {
    lspawn_worker *w = &l->w[k];
    if (w->pid != pid) continue;
    if (w->fd >= 0) hear(l, k, 4);   /* what it said before it ended */
    retire(w);
    int busy = w->slot >= 0;
    if (busy) {
      unsigned slot = (unsigned)w->slot;
      lspawn_slot *s = &l->slot[slot];
      close(s->msg);
      s->msg = -1;
      s->worker = -1;
      w->slot = -1;
      l->running--;
      strerr_warnw1x("a worker ended with a delivery in flight");
      lspawn_answer(l, out, answer_build(out, slot, status, "a virtual-mailbox worker", 24));
    }
    /* one that failed before serving anything waits a second */
    w->due = lspawn_now() + (!busy && !w->used && status ? 1000 : 0);
    w->pid = 0;
    return 1;
  }
  return 0;
}
