/* smtpd_io: timed buffered I/O for posta-smtpd. See smtpd_io.h. */
#include "posta-smtpd/smtpd_io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "common/fdwait.h"

void smtpd_io_init(sio *s, int fd, unsigned timeout)
{
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  s->fd = fd;
  s->timeout_ms = !timeout ? -1 : timeout > 2000000 ? 2000000000 : (int)(timeout * 1000);
  s->pos = s->len = 0;
}

/* Waits until fd is ready for events: 0, or -1 (ETIMEDOUT on timeout). */
static int wait_for(sio *s, short events)
{
  return fdwait_ms(s->fd, events, s->timeout_ms);
}

ssize_t smtpd_io_fill(sio *s)
{
  s->pos = s->len = 0;
  for (;;) {
    ssize_t r = read(s->fd, s->buf, sizeof s->buf);
    if (r >= 0) { s->len = (size_t)r; return r; }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (wait_for(s, POLLIN) < 0) return -1;
  }
}

size_t smtpd_io_drop(sio *s)
{
  size_t n = s->len - s->pos;
  s->pos = s->len = 0;
  return n;
}

static int write_all(sio *s, char const *p, size_t n)
{
  while (n) {
    ssize_t r = write(s->fd, p, n);
    if (r > 0) { p += r; n -= (size_t)r; continue; }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (wait_for(s, POLLOUT) < 0) return -1;
  }
  return 0;
}

int smtpd_io_flush(sio *s)
{
  size_t n = s->len;
  s->len = 0;
  return write_all(s, s->buf, n);
}

int smtpd_io_put(sio *s, char const *p, size_t n)
{
  if (n > sizeof s->buf - s->len) {
    if (smtpd_io_flush(s) < 0) return -1;
    if (n > sizeof s->buf) return write_all(s, p, n);
  }
  memcpy(s->buf + s->len, p, n);
  s->len += n;
  return 0;
}

void smtpd_io_drain(sio *s, int ms, size_t max)
{
  struct timespec end;
  size_t total = 0;
  fdwait_deadline(&end, ms);
  while (total < max && fdwait(s->fd, POLLIN, &end) == 0) {
    ssize_t r = read(s->fd, s->buf, sizeof s->buf);
    if (r > 0) total += (size_t)r;
    else if (!r || (errno != EINTR && errno != EAGAIN)) break;
  }
  s->pos = s->len = 0;
}

int smtpd_io_puts(sio *s, char const *p)
{
  return smtpd_io_put(s, p, strlen(p));
}
