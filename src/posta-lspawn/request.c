/* request: receive and check a spawn request. See request.h.
 * Never allocates; closes every descriptor that comes with a request. */
#include "posta-lspawn/request.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int decimal(char const *s, size_t max, unsigned long long *v)
{
  size_t n = strlen(s);
  unsigned long long x = 0;
  if (!n || n > max) return 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    x = x * 10 + (unsigned)(s[i] - '0');
  }
  *v = x;
  return 1;
}

static int clean(char const *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return 0;
  return 1;
}

int request_parse(char const *buf, size_t len, request *r, char const **why)
{
  char const *f[4];
  size_t pos = 0;
  unsigned long long v;
  r->has_slot = 0;
  for (unsigned i = 0; i < 4; i++) {
    char const *z = pos < len ? memchr(buf + pos, 0, len - pos) : 0;
    if (!z) {
      /* the slot alone may be readable: then the request can be refused */
      if (i && decimal(f[0], 9, &v)) { r->slot = (unsigned)v; r->has_slot = 1; }
      *why = "truncated request";
      return -1;
    }
    f[i] = buf + pos;
    pos = (size_t)(z - buf) + 1;
  }
  if (!decimal(f[0], 9, &v)) { *why = "bad slot"; return -1; }
  r->slot = (unsigned)v;
  r->has_slot = 1;
  if (!decimal(f[1], 20, &v)) { *why = "bad message id"; return -1; }
  if (pos != len) { *why = "more than one recipient"; return -1; }
  if (strlen(f[2]) > REQUEST_ADDR_MAX || !clean(f[2])) { *why = "bad sender"; return -1; }
  size_t rl = strlen(f[3]);
  if (!rl || rl > REQUEST_ADDR_MAX || !clean(f[3]) || !strchr(f[3], '@')) { *why = "bad recipient"; return -1; }
  r->id = f[1];
  r->sender = f[2];
  r->rcpt = f[3];
  return 0;
}

/* Closes every descriptor of the packet: posta-lspawn opens the message
 * itself (messfile.h), never one that came from posta-send. Returns how
 * many there were. */
static unsigned drop_fds(struct msghdr *m)
{
  unsigned k = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int fds[n ? n : 1];
    memcpy(fds, CMSG_DATA(c), n * sizeof(int));
    for (size_t i = 0; i < n; i++, k++) close(fds[i]);
  }
  return k;
}

int request_recv(int fd, char *buf, request *r, int *bad, char const **why)
{
  union { struct cmsghdr h; char b[CMSG_SPACE(4 * sizeof(int))]; } ctl;
  struct iovec iov = { .iov_base = buf, .iov_len = REQUEST_MAX };
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof ctl.b };
  ssize_t n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
  if (n < 0) return -1;
  unsigned nfd = drop_fds(&m);
  r->fd = -1;
  if (!n && !nfd) return 0;
  *bad = 0;
  if (request_parse(buf, (size_t)n, r, why) < 0) *bad = 1;
  else if (m.msg_flags & MSG_TRUNC) { *bad = 1; *why = "request too long"; }
  else if (nfd || m.msg_flags & MSG_CTRUNC) { *bad = 1; *why = "a descriptor came with the request"; }
  return 1;
}
