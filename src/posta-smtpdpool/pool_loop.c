/* pool_loop: the listener's event loop. See pool.h.
 *
 * One poll over the listening socket (only while fewer than max sessions
 * run: the rest wait in the backlog) and every worker's socket, SMTP and
 * TLS. After each
 * round the pool is tended: exited workers reaped, spares kept between
 * minspare and maxspare. Children are reaped there too, without a signal
 * handler: a worker's exit shows first as end of file on its socket. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include <skalibs/strerr.h>

#include "posta-smtpdpool/pool.h"

#define TICK_MS 1000

long long pool_now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int index_of(pool const *p, int fd)
{
  for (unsigned i = 0; i < p->nw; i++)
    if (p->w[i].ctl == fd) return (int)i;
  return -1;
}

static int tls_index_of(pool const *p, int fd)
{
  for (unsigned i = 0; i < p->tls.nw; i++)
    if (p->tls.w[i].ctl == fd) return (int)i;
  return -1;
}

void pool_loop(pool *p)
{
  struct pollfd *pf = calloc(2 * p->max + 1, sizeof *pf);
  if (!pf) strerr_diefu1sys(111, "allocate the poll table");
  for (;;) {
    pool_worker_tend(p);
    if (p->tls.mode) pool_tls_tend(p);
    nfds_t n = 0;
    int listening = p->busy < p->max;
    if (listening) pf[n++] = (struct pollfd){ p->lfd, POLLIN, 0 };
    for (unsigned i = 0; i < p->nw; i++) pf[n++] = (struct pollfd){ p->w[i].ctl, POLLIN, 0 };
    nfds_t ntls = n;
    for (unsigned i = 0; i < p->tls.nw; i++) pf[n++] = (struct pollfd){ p->tls.w[i].ctl, POLLIN, 0 };
    int r = poll(pf, n, TICK_MS);
    if (r < 0) {
      if (errno == EINTR) continue;
      strerr_diefu1sys(111, "poll");
    }
    /* the workers first: a session over frees a slot for a new client */
    for (nfds_t k = listening; k < ntls; k++) {
      if (!pf[k].revents) continue;
      int i = index_of(p, pf[k].fd);
      if (i >= 0) pool_worker_event(p, (unsigned)i);
    }
    for (nfds_t k = ntls; k < n; k++) {
      if (!pf[k].revents) continue;
      int i = tls_index_of(p, pf[k].fd);
      if (i >= 0) pool_tls_event(p, (unsigned)i);
    }
    if (listening && pf[0].revents && p->busy < p->max) pool_conn_accept(p);
  }
}
