/* fdpass: one packet, with a few descriptors at most, over a Unix socket.
 * See fdpass.h. */
#include "common/fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* room for more descriptors than anyone sends, so that extra ones are seen
 * (and closed) rather than cut off */
#define FDPASS_ROOM 8

int fdpass_send(int sock, void const *buf, size_t len, int fd)
{
  return fdpass_sendn(sock, buf, len, &fd, fd >= 0);
}

int fdpass_sendn(int sock, void const *buf, size_t len, int const *fds, unsigned n)
{
  union { struct cmsghdr h; char b[CMSG_SPACE(FDPASS_MAX * sizeof(int))]; } ctl;
  struct iovec v = { .iov_base = (void *)buf, .iov_len = len };
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_iov = &v;
  m.msg_iovlen = 1;
  if (n > FDPASS_MAX) { errno = EINVAL; return -1; }
  if (n) {
    memset(&ctl, 0, sizeof ctl);
    m.msg_control = ctl.b;
    m.msg_controllen = CMSG_SPACE(n * sizeof(int));
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(n * sizeof(int));
    memcpy(CMSG_DATA(c), fds, n * sizeof(int));
  }
  for (;;) {
    ssize_t r = sendmsg(sock, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (r >= 0) return (size_t)r == len ? 0 : (errno = EPROTO, -1);
    if (errno != EINTR) return -1;
  }
}

/* Keeps the first keep descriptors of the packet in got->fds, closes the
 * others, counts them all. */
static void take(struct msghdr *m, fdpass_got *got, unsigned keep)
{
  for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; i++) {
      int x;
      memcpy(&x, CMSG_DATA(c) + i * sizeof(int), sizeof x);
      if (got->nfd < keep) got->fds[got->nfd] = x;
      else close(x);
      got->nfd++;
    }
  }
}

ssize_t fdpass_recv(int sock, void *buf, size_t size, int flags, fdpass_got *got)
{
  return fdpass_recvn(sock, buf, size, flags, got, 1);
}

ssize_t fdpass_recvn(int sock, void *buf, size_t size, int flags, fdpass_got *got, unsigned keep)
{
  union { struct cmsghdr h; char b[CMSG_SPACE(FDPASS_ROOM * sizeof(int))]; } ctl;
  struct iovec v = { .iov_base = buf, .iov_len = size };
  struct msghdr m;
  ssize_t r;
  if (keep > FDPASS_MAX) keep = FDPASS_MAX;
  got->fd = -1;
  got->nfd = 0;
  for (unsigned i = 0; i < FDPASS_MAX; i++) got->fds[i] = -1;
  got->truncated = 0;
  do {
    memset(&m, 0, sizeof m);
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = ctl.b;
    m.msg_controllen = sizeof ctl.b;
    r = recvmsg(sock, &m, flags | MSG_CMSG_CLOEXEC);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return -1;
  take(&m, got, keep);
  got->fd = got->fds[0];
  got->truncated = (m.msg_flags & MSG_TRUNC) != 0;
  if (m.msg_flags & MSG_CTRUNC) got->nfd++;   /* more than there was room for */
  return r;
}
