/* fdpass: one packet, with at most one descriptor, over a Unix socket.
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
  union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } ctl;
  struct iovec v = { .iov_base = (void *)buf, .iov_len = len };
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_iov = &v;
  m.msg_iovlen = 1;
  if (fd >= 0) {
    memset(&ctl, 0, sizeof ctl);
    m.msg_control = ctl.b;
    m.msg_controllen = sizeof ctl.b;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  for (;;) {
    ssize_t r = sendmsg(sock, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (r >= 0) return (size_t)r == len ? 0 : (errno = EPROTO, -1);
    if (errno != EINTR) return -1;
  }
}

/* Keeps the first descriptor of the packet in got->fd, closes the others,
 * counts them all. */
static void take(struct msghdr *m, fdpass_got *got)
{
  for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; i++) {
      int x;
      memcpy(&x, CMSG_DATA(c) + i * sizeof(int), sizeof x);
      if (!got->nfd++) got->fd = x;
      else close(x);
    }
  }
}

ssize_t fdpass_recv(int sock, void *buf, size_t size, int flags, fdpass_got *got)
{
  union { struct cmsghdr h; char b[CMSG_SPACE(FDPASS_ROOM * sizeof(int))]; } ctl;
  struct iovec v = { .iov_base = buf, .iov_len = size };
  struct msghdr m;
  ssize_t r;
  got->fd = -1;
  got->nfd = 0;
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
  take(&m, got);
  got->truncated = (m.msg_flags & MSG_TRUNC) != 0;
  if (m.msg_flags & MSG_CTRUNC) got->nfd++;   /* more than there was room for */
  return r;
}
