/* pool_conn: one connection, from accept to a worker. See pool.h.
 *
 * What tcpserver -x did for each connection, in its order: the rules
 * (denied: the connection is closed, nothing said), then ours: more than
 * concurrencyperip connections from one address get a 421 and the end.
 * The total (concurrencyincoming) is held before accept: beyond it, new
 * clients wait in the listen backlog as under tcpserver -c. Our copy of
 * the socket is closed once a worker has it. A client the rules give
 * RELAYCLIENT is one of ours, exempt from the per-address limit (Postfix
 * exempts $mynetworks likewise). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "posta-smtpdpool/pool.h"

#define TOOMANY "421 4.7.0 too many connections from your address, try again later\r\n"

/* The first idle worker, starting one when none is: its index, or -1. */
static int worker_for(pool *p)
{
  int i = pool_worker_idle(p);
  if (i >= 0) return i;
  if (pool_now_ms() < p->backoff_until || pool_worker_start(p) < 0) return -1;
  return (int)p->nw - 1;
}

/* Does the rule set RELAYCLIENT? msg[from..len): its variables. */
static int relayclient(char const *msg, size_t from, size_t len)
{
  for (size_t pos = from; pos < len; pos += strlen(msg + pos) + 1)
    if (!strncmp(msg + pos, "RELAYCLIENT=", 12)) return 1;
  return 0;
}

static void dispatch(pool *p, int fd, char const *msg, size_t len, char const *ip)
{
  for (int tries = 0; tries < 3; tries++) {
    int i = worker_for(p);
    if (i < 0) break;
    if (pool_worker_give(p, (unsigned)i, fd, msg, len, ip) == 0) return;
  }
  /* the client is told, as posta-smtpd would when it cannot start */
  write(fd, "421 4.3.0 no SMTP worker available, try again later\r\n", 54);
}

void pool_conn_accept(pool *p)
{
  static char msg[POOL_MSG_MAX];
  char ip[POOL_IP_MAX];
  size_t len = 1;
  int fd = accept4(p->lfd, 0, 0, SOCK_CLOEXEC);
  if (fd < 0) {
    if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) strerr_warnwu1sys("accept");
    return;
  }
  msg[0] = 'C';
  if (pool_net_vars(fd, msg, sizeof msg, &len, ip) < 0) goto end;
  size_t vars = len;
  int r = pool_rules(p->rules, ip, msg, sizeof msg, &len);
  if (r < 0) {
    strerr_warnwu3sys("read ", p->rules, ", dropping the connection");
    goto end;
  }
  if (!r) goto end;
  if (p->perip && !relayclient(msg, vars, len) && pool_worker_count_ip(p, ip) >= p->perip) {
    strerr_warnw2x("too many connections from ", ip);
    write(fd, TOOMANY, sizeof TOOMANY - 1);
    goto end;
  }
  dispatch(p, fd, msg, len, ip);
end:
  close(fd);
}
