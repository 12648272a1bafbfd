/* pool_tls: the TLS workers (posta-tlsd -w) of a pool run with -t or -i.
 * See pool.h.
 *
 * A TLS worker is asked of the keeper (pool_keeper.c), which starts it as
 * root: it loads the key, drops to posta-d and says "R" (ready) or "X"
 * (no usable certificate) on its socket; we wait for that word, so a
 * worker in the table always has TLS to offer. Each worker belongs to the
 * generation of the certificate files it was started under: the files
 * are looked at (stat, two calls) for each connection and, between
 * connections, once a second, and a change starts a new generation: idle
 * workers of the old one are retired at once, busy ones after their
 * session, and the next connection gets a worker that read the new
 * files. A generation whose certificate cannot be used ("X") is not
 * tried again until the files change: STARTTLS is then not offered
 * (port 25 takes mail in plain text rather than none, as posta-tlsd's
 * one-connection mode does) and implicit TLS connections are closed.
 * Workers serve at most smtpdmaxuse sessions, and are kept between
 * minspare and maxspare idle ones, as the SMTP workers are. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/fdpass.h"
#include "common/fdwait.h"
#include "posta-smtpdpool/pool.h"

#define CERTFILE "control/servercert.pem"
#define KEYFILE "control/serverkey.pem"
#define START_WAIT_MS 10000
#define BACKOFF_MS 1000
#define RETIRE_MS 1000
#define LOOK_MS 1000

static void sig_of(char const *fn, long long *v)
{
  struct stat st;
  memset(v, 0, 6 * sizeof *v);
  if (stat(fn, &st) < 0) { v[0] = -1; v[1] = errno; return; }
  v[0] = (long long)st.st_dev;
  v[1] = (long long)st.st_ino;
  v[2] = (long long)st.st_size;
  v[3] = (long long)st.st_mtim.tv_sec;
  v[4] = (long long)st.st_mtim.tv_nsec;
  v[5] = (long long)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
}

static void drop(pool *p, unsigned i)
{
  pool_tls *t = &p->tls;
  if (t->w[i].busy) t->busy--;
  close(t->w[i].ctl);
  t->w[i] = t->w[--t->nw];
}

int pool_tls_ready(pool *p)
{
  pool_tls *t = &p->tls;
  pool_certsig s;
  sig_of(CERTFILE, s.v[0]);
  sig_of(KEYFILE, s.v[1]);
  if (memcmp(&s, &t->sig, sizeof s)) {
    t->sig = s;
    t->gen++;
    t->bad = 0;
    t->cert = s.v[0][0] != -1;
    t->backoff_until = 0;
    for (unsigned i = t->nw; i-- > 0;)
      if (!t->w[i].busy) drop(p, i);
  }
  return t->cert && !t->bad;
}

/* The keeper's answer: the new worker's socket (its pid in *pid), or -1. */
static int ask_keeper(pool_tls *t, pid_t *pid)
{
  char buf[32];
  fdpass_got got;
  if (send(t->keeper, "N", 1, MSG_NOSIGNAL) < 0 || fdwait_ms(t->keeper, POLLIN, START_WAIT_MS) < 0)
    strerr_diefu1sys(111, "ask the keeper for a TLS worker");
  ssize_t r = fdpass_recv(t->keeper, buf, sizeof buf - 1, 0, &got);
  if (r <= 0) strerr_diefu1x(111, "hear from the keeper: it is gone");
  buf[r] = 0;
  if (buf[0] != 'P' || got.fd < 0) {
    if (got.fd >= 0) close(got.fd);
    return -1;
  }
  *pid = (pid_t)strtol(buf + 1, 0, 10);
  return got.fd;
}

/* Starts one worker and waits for its word: 0, or -1. */
static int start(pool *p)
{
  pool_tls *t = &p->tls;
  pid_t pid = 0;
  char c = 0;
  if (t->nw >= p->max) return -1;
  int fd = ask_keeper(t, &pid);
  if (fd >= 0 && fdwait_ms(fd, POLLIN, START_WAIT_MS) == 0 && recv(fd, &c, 1, 0) == 1 && c == 'R') {
    pool_tlsw *w = &t->w[t->nw++];
    memset(w, 0, sizeof *w);
    w->pid = pid;
    w->ctl = fd;
    w->gen = t->gen;
    return 0;
  }
  if (fd >= 0) close(fd);
  if (c == 'X') {
    t->bad = 1;
    if (t->mode == 'S') strerr_warnw1x("no usable control/servercert.pem: offering no STARTTLS in this session, nor until it changes");
    else strerr_warnw1x("no usable control/servercert.pem: no TLS to offer until it changes");
  } else {
    t->backoff_until = pool_now_ms() + BACKOFF_MS;
    strerr_warnwu1x("start a TLS worker");
  }
  return -1;
}

static int idle(pool const *p)
{
  pool_tls const *t = &p->tls;
  for (unsigned i = 0; i < t->nw; i++)
    if (!t->w[i].busy && t->w[i].gen == t->gen) return (int)i;
  return -1;
}

int pool_tls_reserve(pool *p)
{
  pool_tls *t = &p->tls;
  if (idle(p) >= 0) return 0;
  if (t->bad || !t->cert || pool_now_ms() < t->backoff_until) return -1;
  return start(p);
}

int pool_tls_give(pool *p, int fd, int app, int ctl, char const *ip)
{
  pool_tls *t = &p->tls;
  char msg[2 + POOL_IP_MAX];
  int fds[3] = { fd, app, ctl };
  msg[0] = t->mode;
  size_t n = strlen(ip);
  memcpy(msg + 1, ip, n + 1);
  for (int tries = 0; tries < 3; tries++) {
    if (pool_tls_reserve(p) < 0) break;
    int i = idle(p);
    if (fdpass_sendn(t->w[i].ctl, msg, n + 2, fds, 3) == 0) {
      t->w[i].busy = 1;
      t->w[i].uses++;
      t->busy++;
      return 0;
    }
    strerr_warnwu1sys("give a connection to a TLS worker, retiring it");
    drop(p, (unsigned)i);
  }
  strerr_warnw2x("no TLS worker available for ", ip);
  return -1;
}

void pool_tls_event(pool *p, unsigned i)
{
  pool_tls *t = &p->tls;
  pool_tlsw *w = &t->w[i];
  int r = pool_worker_heard(w->ctl, w->pid, w->busy, w->uses, "TLS worker", &t->backoff_until);
  if (!r) return;
  if (r > 0) {
    w->busy = 0;
    t->busy--;
    if (w->uses < p->maxuse && w->gen == t->gen) return;
  }
  drop(p, i);
}

void pool_tls_tend(pool *p)
{
  pool_tls *t = &p->tls;
  long long now = pool_now_ms();
  /* the loop turns at each event: the files are looked at once a second */
  if (now >= t->look_after) {
    pool_tls_ready(p);
    t->look_after = now + LOOK_MS;
  }
  int ready = t->cert && !t->bad;
  unsigned spare = 0;
  for (unsigned i = 0; i < t->nw; i++) spare += !t->w[i].busy;
  if (spare > p->maxspare && now >= t->retire_after) {
    int i = idle(p);
    if (i >= 0) {
      drop(p, (unsigned)i);
      spare--;
      t->retire_after = now + RETIRE_MS;
    }
  }
  while (ready && spare < p->minspare && !t->bad && now >= t->backoff_until && start(p) == 0) spare++;
}
