/* pool_conn: one connection, from accept to a worker. See pool.h.
 *
 * What tcpserver -x did for each connection, in its order: the rules
 * (denied: the connection is closed, nothing said), then ours: more than
 * concurrencyperip connections from one address get a 421 and the end.
 * The total (concurrencyincoming) is held before accept: beyond it, new
 * clients wait in the listen backlog as under tcpserver -c. Our copy of
 * the socket is closed once a worker has it. A client the rules give
 * RELAYCLIENT is one of ours, exempt from the per-address limit (Postfix
 * exempts $mynetworks likewise). With TLS (-t, -i), the connection goes
 * to a TLS worker and an SMTP worker paired for it (pool_tls.c). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "posta-smtpdpool/pool.h"

#define TOOMANY "421 4.7.0 too many connections from your address, try again later\r\n"

/* Does the rule set RELAYCLIENT? msg[from..len): its variables. */
static int relayclient(char const *msg, size_t from, size_t len)
{
  for (size_t pos = from; pos < len; pos += strlen(msg + pos) + 1)
    if (!strncmp(msg + pos, "RELAYCLIENT=", 12)) return 1;
  return 0;
}

static int give(pool *p, int const *fds, unsigned n, char const *msg, size_t len, char const *ip)
{
  for (int tries = 0; tries < 3; tries++) {
    int i = pool_worker_for(p);
    if (i < 0) break;
    if (pool_worker_give(p, (unsigned)i, fds, n, msg, len, ip) == 0) return 0;
  }
  return -1;
}

/* With TLS: a TLS worker first (none: port 25 and 587 go on in plain text
 * when the certificate is the reason, as posta-tlsd does); then the SMTP
 * worker gets one end of each of two new sockets, the TLS worker the
 * other ends and the client's socket. 1 given, 0 to be given in plain
 * text, -1 not given. */
static int give_tls(pool *p, int fd, char *msg, size_t len, char const *ip)
{
  int app[2], ctl[2];
  /* the certificate files looked at once a connection, here */
  if (!pool_tls_ready(p) || pool_tls_reserve(p) < 0) {
    /* no certificate, or one found unusable (perhaps by the reserve) */
    if (p->tls.mode == 'S' && (!p->tls.cert || p->tls.bad)) return 0;
    if (!p->tls.cert) strerr_warnw2x("no control/servercert.pem: no TLS to offer to ", ip);
    else if (!p->tls.bad) strerr_warnw2x("no TLS worker available for ", ip);
    return -1;
  }
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, app) < 0) {
    strerr_warnwu1sys("create a socket pair");
    return -1;
  }
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl) < 0) {
    strerr_warnwu1sys("create a socket pair");
    close(app[0]);
    close(app[1]);
    return -1;
  }
  int fds[2] = { app[1], ctl[1] };
  msg[0] = p->tls.mode == 'I' ? 'I' : 'T';
  int r = give(p, fds, 2, msg, len, ip);
  /* the SMTP worker, if the TLS worker cannot take it, sees end of file */
  if (r == 0) pool_tls_give(p, fd, app[0], ctl[0], ip);
  close(app[0]);
  close(app[1]);
  close(ctl[0]);
  close(ctl[1]);
  return r == 0 ? 1 : -1;
}

static void dispatch(pool *p, int fd, char *msg, size_t len, char const *ip)
{
  if (p->tls.mode) {
    int r = give_tls(p, fd, msg, len, ip);
    if (r > 0 || (r < 0 && p->tls.mode == 'I')) return;
    if (r < 0) goto busy;
  }
  msg[0] = 'C';
  if (give(p, &fd, 1, msg, len, ip) == 0) return;
busy:
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
