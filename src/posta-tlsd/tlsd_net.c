/* tlsd_net: reads and writes on the client's socket, in plain text or
 * through the TLS session, never blocking. See tlsd.h. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/fdwait.h"
#include "posta-tlsd/tlsd.h"

void tlsd_net_nonblock(tlsd *t)
{
  int fds[2] = { t->netin, t->netout }, one = 1;
  for (unsigned i = 0; i < 2; i++) {
    int fl = fcntl(fds[i], F_GETFL);
    if (fl < 0 || fcntl(fds[i], F_SETFL, fl | O_NONBLOCK) < 0) strerr_diefu1sys(111, "set the socket non-blocking");
  }
  /* each write is a whole reply or TLS record: waiting for more (Nagle)
   * only adds a delayed ACK's wait to every turn of the dialogue */
  setsockopt(t->netout, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int tlsd_wait(tlsd const *t, int fd, short events)
{
  return fdwait_ms(fd, events, (long long)t->timeout * 1000);
}

ssize_t tlsd_net_read(tlsd *t, char *buf, size_t n)
{
  if (t->conn) {
    ssize_t r = tls_read(t->conn, buf, n);
    return r == -1 ? -1 : r;
  }
  for (;;) {
    ssize_t r = read(t->netin, buf, n);
    if (r >= 0) return r;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? TLS_WANT_POLLIN : -1;
  }
}

ssize_t tlsd_net_write(tlsd *t, char const *buf, size_t n)
{
  if (t->conn) return tls_write(t->conn, buf, n);
  for (;;) {
    ssize_t r = send(t->netout, buf, n, MSG_NOSIGNAL);
    if (r >= 0) return r;
    if (errno == EINTR) continue;
    if (errno == ENOTSOCK) {
      /* a pipe in place of the socket (tests, inetd-like runners) */
      r = write(t->netout, buf, n);
      if (r >= 0) return r;
      if (errno == EINTR) continue;
    }
    return errno == EAGAIN || errno == EWOULDBLOCK ? TLS_WANT_POLLOUT : -1;
  }
}
