/* tlsd_ctl: the control descriptor between posta-tlsd and posta-smtpd
 * (doc/protocols.md): short messages, each ending with LF, read and
 * written within the timeout. See tlsd.h. */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "posta-tlsd/tlsd.h"

ssize_t tlsd_ctl_read(tlsd *t, char *buf, size_t size)
{
  size_t n = 0;
  while (n < size) {
    ssize_t r = read(t->ctl, buf + n, 1);
    if (r == 1) {
      if (buf[n++] == '\n') return (ssize_t)n;
      continue;
    }
    if (!r) return n ? (errno = EPROTO, -1) : 0;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (tlsd_wait(t, t->ctl, POLLIN) < 0) return -1;
  }
  errno = EPROTO;
  return -1;
}

int tlsd_ctl_write(tlsd *t, char const *s, size_t n)
{
  while (n) {
    ssize_t r = write(t->ctl, s, n);
    if (r > 0) { s += r; n -= (size_t)r; continue; }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (tlsd_wait(t, t->ctl, POLLOUT) < 0) return -1;
  }
  return 0;
}
