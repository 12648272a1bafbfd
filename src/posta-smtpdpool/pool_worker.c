/* pool_worker: start, feed, retire and reap the posta-smtpd workers. See
 * pool.h.
 *
 * A worker is posta-smtpd -w with one end of a SOCK_SEQPACKET socketpair
 * on its descriptor 0 (smtpd_worker.h): one message a connection (with the
 * client's socket, or with TLS the sockets to a TLS worker), "D" back
 * when the session is over. Closing our end retires it (it exits at end of
 * file, after the session it may still be in). A worker that goes away
 * without being retired releases its connection; one that dies before its
 * first session holds back new starts for a second, so that a broken
 * posta-smtpd does not make us fork without pause; idle workers beyond
 * maxspare are retired one a second. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/fds.h"
#include "common/fdpass.h"
#include "posta-smtpdpool/pool.h"

#define BACKOFF_MS 1000
#define RETIRE_MS 1000

static void child(pool const *p, int fd)
{
  int null = open("/dev/null", O_WRONLY);
  if (null < 0 || dup2(fd, 0) < 0 || dup2(null, 1) < 0) _exit(111);
  fds_close_from(3);
  execv(p->argv[0], (char *const *)p->argv);
  strerr_warnwu2sys("execute ", p->argv[0]);
  _exit(111);
}

int pool_worker_start(pool *p)
{
  int sv[2];
  if (p->nw >= p->max) return -1;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    strerr_warnwu1sys("create a worker's socket");
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    strerr_warnwu1sys("fork a worker");
    close(sv[0]);
    close(sv[1]);
    return -1;
  }
  if (!pid) child(p, sv[1]);
  close(sv[1]);
  pool_worker *w = &p->w[p->nw++];
  memset(w, 0, sizeof *w);
  w->pid = pid;
  w->ctl = sv[0];
  return 0;
}

/* Takes worker i out of the table (closing its socket retires it). */
static void drop(pool *p, unsigned i)
{
  pool_worker *w = &p->w[i];
  if (w->busy) p->busy--;
  close(w->ctl);
  p->w[i] = p->w[--p->nw];
}

int pool_worker_give(pool *p, unsigned i, int const *fds, unsigned n, char const *msg, size_t len, char const *ip)
{
  pool_worker *w = &p->w[i];
  if (fdpass_sendn(w->ctl, msg, len, fds, n) < 0) {
    char pid[PID_FMT];
    pid[pid_fmt(pid, w->pid)] = 0;
    strerr_warnwu3sys("give a connection to worker ", pid, ", retiring it");
    drop(p, i);
    return -1;
  }
  w->busy = 1;
  w->uses++;
  p->busy++;
  memcpy(w->ip, ip, sizeof w->ip);
  return 0;
}

int pool_worker_heard(int ctl, pid_t pid, int busy, unsigned uses, char const *what, long long *backoff_until)
{
  char c;
  ssize_t r = recv(ctl, &c, 1, MSG_DONTWAIT);
  if (r < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
  if (r == 1 && c == 'D' && busy) return 1;
  /* gone, or talking nonsense: either way no longer ours */
  if (!uses) *backoff_until = pool_now_ms() + BACKOFF_MS;
  if (busy) {
    char s[PID_FMT];
    s[pid_fmt(s, pid)] = 0;
    strerr_warnw4x(what, " ", s, " went away during a session");
  }
  return -1;
}

void pool_worker_event(pool *p, unsigned i)
{
  pool_worker *w = &p->w[i];
  int r = pool_worker_heard(w->ctl, w->pid, w->busy, w->uses, "worker", &p->backoff_until);
  if (!r) return;
  if (r > 0) {
    w->busy = 0;
    p->busy--;
    w->ip[0] = 0;
    if (w->uses < p->maxuse) return;
  }
  drop(p, i);
}

int pool_worker_for(pool *p)
{
  int i = pool_worker_idle(p);
  if (i >= 0) return i;
  if (pool_now_ms() < p->backoff_until || pool_worker_start(p) < 0) return -1;
  return (int)p->nw - 1;
}

int pool_worker_idle(pool const *p)
{
  for (unsigned i = 0; i < p->nw; i++)
    if (!p->w[i].busy) return (int)i;
  return -1;
}

unsigned pool_worker_count_ip(pool const *p, char const *ip)
{
  unsigned n = 0;
  for (unsigned i = 0; i < p->nw; i++)
    if (p->w[i].busy && !strcmp(p->w[i].ip, ip)) n++;
  return n;
}

void pool_worker_tend(pool *p)
{
  while (waitpid(-1, 0, WNOHANG) > 0) ;
  unsigned idle = p->nw - p->busy;
  long long now = pool_now_ms();
  /* one a second at most, as Apache's prefork: a burst that comes back
   * finds its workers still there instead of starting them again */
  if (idle > p->maxspare && now >= p->retire_after) {
    int i = pool_worker_idle(p);
    if (i >= 0) {
      drop(p, (unsigned)i);
      idle--;
      p->retire_after = now + RETIRE_MS;
    }
  }
  if (now < p->backoff_until) return;
  while (idle < p->minspare && p->nw < p->max && pool_worker_start(p) == 0) idle++;
}
