/* loop: posta-lspawn's event loop. See lspawn.h.
 *
 * Waits on the request socket, the selfpipe (SIGCHLD), the stdout pipe
 * of every running delivery and every worker's socket; never blocks on one
 * child or worker while others finish. A request is offered to an idle
 * virtual-mailbox worker first (pool.c); one no worker takes is forked as
 * before. A forked delivery is answered once its child has exited and its
 * pipe has been drained. Returns at end of file once every delivery is
 * answered; dies 111 only when waiting itself fails. */
#include "posta-lspawn/lspawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>

#include "posta-lspawn/answer.h"
#include "posta-lspawn/child.h"
#include "posta-lspawn/messfile.h"
#include "posta-lspawn/request.h"

uint64_t lspawn_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void lspawn_answer(lspawn *l, char const *s, size_t len)
{
  if (answer_send(s, len) < 0) {
    /* posta-send is gone: finish what runs, then exit; it retries them */
    if (!l->eof) strerr_warnwu1sys("send a response to posta-send");
    l->eof = 1;
  }
}

static void refuse(lspawn *l, request const *r, char const *why)
{
  char out[ANSWER_MAX];
  if (!r->has_slot) {
    strerr_warnw2x("dropped a request without a slot: ", why);
    return;
  }
  strerr_warnw2x("refused a request: ", why);
  lspawn_answer(l, out, answer_fail(out, r->slot, 'Z', "4.3.0", why));
}

/* Reads what the pipe holds, a bounded number of times: a descendant that
 * kept posta-local's stdout open cannot hold the loop. */
static void drain(lspawn_slot *s)
{
  char junk[4096];
  for (unsigned i = 0; i < 16 && s->fd >= 0; i++) {
    size_t room = sizeof s->out - s->len;
    ssize_t n = read(s->fd, room ? s->out + s->len : junk, room ? room : sizeof junk);
    if (n > 0) { if (room) s->len += (size_t)n; continue; }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || errno != EAGAIN) { close(s->fd); s->fd = -1; }
    return;
  }
}

void lspawn_fork(lspawn *l, unsigned i)
{
  int p[2];
  lspawn_slot *s = &l->slot[i];
  char out[ANSWER_MAX];
  char const *why;
  request r;
  request_parse(s->req, s->reqlen, &r, &why);   /* it was parsed once already */
  r.fd = s->msg;
  s->msg = -1;
  char const *fail = pipe2(p, O_CLOEXEC) < 0 ? "posta-lspawn unable to create a pipe" : 0;
  pid_t pid = fail ? -1 : fork();
  if (!pid) child_run(l->home, &r, p[1]);
  close(r.fd);
  if (!fail) close(p[1]);
  if (pid < 0) {
    if (!fail) close(p[0]);
    l->running--;
    lspawn_answer(l, out, answer_fail(out, i, 'Z', "4.3.0", fail ? fail : "posta-lspawn unable to fork"));
    return;
  }
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  s->pid = pid;
  s->fd = p[0];
  s->len = 0;
}

static void start(lspawn *l, request *r, char const *buf)
{
  lspawn_slot *s;
  char const *why;
  if (r->slot >= l->n) { refuse(l, r, "slot number too high"); return; }
  s = &l->slot[r->slot];
  if (s->pid || s->worker >= 0) { refuse(l, r, "slot already busy"); return; }
  if ((s->msg = messfile_open(&l->mess, r->id, &why)) < 0) { refuse(l, r, why); return; }
  s->reqlen = (size_t)(r->rcpt + strlen(r->rcpt) + 1 - buf);   /* the whole packet: request_parse said so */
  memcpy(s->req, buf, s->reqlen);
  l->running++;
  if (pool_hand(l, r->slot) < 0) lspawn_fork(l, r->slot);
}

static void take_request(lspawn *l)
{
  char buf[REQUEST_MAX];
  request r;
  int bad = 0;
  char const *why = "";
  int got = request_recv(0, buf, &r, &bad, &why);
  if (got < 0) {
    if (errno == EINTR || errno == EAGAIN) return;
    strerr_warnwu1sys("read a request");
    l->eof = 1;
    return;
  }
  if (!got) { l->eof = 1; return; }
  if (bad) refuse(l, &r, why);
  else start(l, &r, buf);
}

static void reap(lspawn *l)
{
  int status;
  pid_t pid;
  char out[ANSWER_MAX];
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (pool_reaped(l, pid, status)) continue;
    for (unsigned i = 0; i < l->n; i++) {
      lspawn_slot *s = &l->slot[i];
      if (s->pid != pid) continue;
      drain(s);
      if (s->fd >= 0) { close(s->fd); s->fd = -1; }
      lspawn_answer(l, out, answer_build(out, i, status, s->out, s->len));
      s->pid = 0;
      l->running--;
      break;
    }
  }
}

static void signals(lspawn *l)
{
  int sig;
  while ((sig = selfpipe_read()) > 0)
    if (sig == SIGCHLD) reap(l);
  if (sig < 0) strerr_diefu1sys(111, "read the selfpipe");
}

int lspawn_loop(lspawn *l)
{
  iopause_fd x[2 + LSPAWN_SLOTS_MAX + LSPAWN_WORKERS_MAX];
  unsigned idx[2 + LSPAWN_SLOTS_MAX + LSPAWN_WORKERS_MAX];
  tain deadline;
  while (!l->eof || l->running) {
    unsigned n = 0;
    int waiting = l->eof ? 0 : pool_start(l);
    x[n].fd = l->sigfd; x[n++].events = IOPAUSE_READ;
    if (!l->eof) { x[n].fd = 0; x[n++].events = IOPAUSE_READ; }
    unsigned first = n;
    for (unsigned i = 0; i < l->n; i++)
      if (l->slot[i].pid && l->slot[i].fd >= 0) { idx[n] = i; x[n].fd = l->slot[i].fd; x[n++].events = IOPAUSE_READ; }
    unsigned wfirst = n;
    for (unsigned k = 0; k < l->nw; k++)
      if (l->w[k].fd >= 0) { idx[n] = k; x[n].fd = l->w[k].fd; x[n++].events = IOPAUSE_READ; }
    tain_now_g();
    tain_addsec_g(&deadline, 1);
    if (iopause_g(x, n, waiting ? &deadline : 0) < 0) {
      if (errno == EINTR) continue;
      strerr_diefu1sys(111, "iopause");
    }
    for (unsigned k = first; k < wfirst; k++)
      if (x[k].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT)) drain(&l->slot[idx[k]]);
    for (unsigned k = wfirst; k < n; k++)
      if (x[k].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT)) pool_event(l, idx[k]);
    if (x[0].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT)) signals(l);
    if (first == 2 && x[1].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT)) take_request(l);
  }
  return 0;
}
