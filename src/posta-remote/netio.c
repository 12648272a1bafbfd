/* netio: a TCP connection with timeouts. See netio.h. */
#include "posta-remote/netio.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tls.h>

#include "common/fdwait.h"
#include "posta-remote/ipaddr.h"

/* Waits for events on fd for at most timeout seconds. 0 ready, -1. */
static int wait_for(int fd, short events, unsigned int timeout)
{
  return fdwait_ms(fd, events, (long long)timeout * 1000);
}

static socklen_t sockaddr_of(struct sockaddr_storage *ss, char const ip[16], unsigned int port)
{
  memset(ss, 0, sizeof *ss);
  if (ipaddr_is4(ip)) {
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((unsigned short)port);
    memcpy(&s4->sin_addr, ip + 12, 4);
    return sizeof *s4;
  }
  struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
  s6->sin6_family = AF_INET6;
  s6->sin6_port = htons((unsigned short)port);
  memcpy(&s6->sin6_addr, ip, 16);
  return sizeof *s6;
}

int netio_connect(char const ip[16], unsigned int port, unsigned int timeout)
{
  struct sockaddr_storage ss;
  socklen_t len = sockaddr_of(&ss, ip, port);
  int e, err = 0;
  socklen_t elen = sizeof err;
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr *)&ss, len) == 0) return fd;
  if (errno != EINPROGRESS) goto fail;
  if (wait_for(fd, POLLOUT, timeout) < 0) goto fail;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0) goto fail;
  if (err) { errno = err; goto fail; }
  return fd;
fail:
  e = errno;
  close(fd);
  errno = e;
  return -1;
}

void netio_init(netio *io, int fd, unsigned int timeout)
{
  int one = 1;
  io->fd = fd;
  io->tls = 0;
  io->timeout = timeout;
  io->inpos = io->inlen = 0;
  io->outlen = 0;
  /* commands are flushed whole: no reason to wait for more */
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void netio_close(netio *io)
{
  if (io->tls) {
    /* a close_notify if it goes at once; the server may be gone */
    tls_close(io->tls);
    tls_free(io->tls);
    io->tls = 0;
  }
  if (io->fd >= 0) close(io->fd);
  io->fd = -1;
}

void netio_tls(netio *io, struct tls *t)
{
  io->tls = t;
}

/* A libtls result that asks to wait: waits; 0 to try again, -1. */
static int tls_wait(netio *io, ssize_t r)
{
  if (r == TLS_WANT_POLLIN) return wait_for(io->fd, POLLIN, io->timeout);
  if (r == TLS_WANT_POLLOUT) return wait_for(io->fd, POLLOUT, io->timeout);
  errno = EPROTO;
  return -1;
}

int netio_handshake(netio *io)
{
  for (;;) {
    int r = tls_handshake(io->tls);
    if (!r) return 0;
    if (tls_wait(io, r) < 0) return -1;
  }
}

static ssize_t tls_recv(netio *io)
{
  for (;;) {
    ssize_t r = tls_read(io->tls, io->in, sizeof io->in);
    if (r >= 0) return r;
    if (tls_wait(io, r) < 0) return -1;
  }
}

int netio_fill(netio *io)
{
  if (io->inpos < io->inlen) return (int)(io->inlen - io->inpos);
  io->inpos = io->inlen = 0;
  if (io->tls) {
    ssize_t r = tls_recv(io);
    if (r < 0) return -1;
    io->inlen = (size_t)r;
    return (int)r;
  }
  for (;;) {
    ssize_t r = recv(io->fd, io->in, sizeof io->in, 0);
    if (r >= 0) {
      io->inlen = (size_t)r;
      return (int)r;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (wait_for(io->fd, POLLIN, io->timeout) < 0) return -1;
  }
}

int netio_flush(netio *io)
{
  size_t done = 0;
  while (done < io->outlen && io->tls) {
    ssize_t r = tls_write(io->tls, io->out + done, io->outlen - done);
    if (r >= 0) { done += (size_t)r; continue; }
    if (tls_wait(io, r) < 0) return -1;
  }
  while (done < io->outlen) {
    ssize_t r = send(io->fd, io->out + done, io->outlen - done, MSG_NOSIGNAL);
    if (r >= 0) { done += (size_t)r; continue; }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (wait_for(io->fd, POLLOUT, io->timeout) < 0) return -1;
  }
  io->outlen = 0;
  return 0;
}

int netio_put(netio *io, char const *s, size_t len)
{
  while (len) {
    size_t room = NETIO_OUT - io->outlen;
    if (!room) {
      if (netio_flush(io) < 0) return -1;
      continue;
    }
    size_t n = len < room ? len : room;
    memcpy(io->out + io->outlen, s, n);
    io->outlen += n;
    s += n;
    len -= n;
  }
  return 0;
}

int netio_puts(netio *io, char const *s)
{
  return netio_put(io, s, strlen(s));
}

void netio_wrote(netio *io, size_t n)
{
  io->outlen += n;
}
