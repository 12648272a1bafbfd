/* inject_in: line pieces from local submission's input. See inject_in.h. */
#include "sk/inject_in.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void inject_in_init(inject_in *in, int fd, int dot)
{
  in->fd = fd;
  in->dot = dot;
  in->eof = 0;
  in->bol = 1;
  in->cr = 0;
  in->pos = in->len = 0;
}

/* Makes n bytes available if the input has them; returns how many are,
 * or -1 on a read error. */
static ssize_t need(inject_in *in, size_t n)
{
  while (in->len - in->pos < n) {
    if (in->pos) {
      memmove(in->buf, in->buf + in->pos, in->len - in->pos);
      in->len -= in->pos;
      in->pos = 0;
    }
    ssize_t r = read(in->fd, in->buf + in->len, sizeof in->buf - in->len);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (!r) break;
    in->len += (size_t)r;
  }
  return (ssize_t)(in->len - in->pos);
}

/* At the start of a line: is it the lone dot? 1 yes, 0 no, -1 error.
 * Reads no further than it must: a terminal's "." and Enter end the
 * message without waiting for more. */
static int lone_dot(inject_in *in)
{
  ssize_t n = need(in, 1);
  if (n <= 0 || in->buf[in->pos] != '.') return n < 0 ? -1 : 0;
  if ((n = need(in, 2)) < 0) return -1;
  if (n == 1 || in->buf[in->pos + 1] == '\n') return 1;
  if (in->buf[in->pos + 1] != '\r') return 0;
  if ((n = need(in, 3)) < 0) return -1;
  return n == 2 || in->buf[in->pos + 2] == '\n';
}

/* The CR held back from the last piece: dropped before LF, else kept. */
static int held_cr(inject_in *in, stralloc *out, size_t *room)
{
  ssize_t n = need(in, 1);
  if (n < 0) return -1;
  in->cr = 0;
  if (n && in->buf[in->pos] == '\n') return 0;
  if (!stralloc_append(out, '\r')) return -1;
  (*room)--;
  return 0;
}

int inject_in_line(inject_in *in, stralloc *out, size_t max, int *whole)
{
  size_t room = max, start = out->len;
  if (in->eof) return 0;
  if (in->bol && in->dot) {
    int r = lone_dot(in);
    if (r < 0) return -1;
    if (r) { in->eof = 1; return 0; }
  }
  if (in->cr && held_cr(in, out, &room) < 0) return -1;
  for (;;) {
    ssize_t avail = need(in, 1);
    if (avail < 0) return -1;
    if (!avail) {
      in->eof = 1;
      *whole = 1;
      return out->len > start;
    }
    char const *s = in->buf + in->pos;
    char const *lf = memchr(s, '\n', (size_t)avail);
    size_t n = lf ? (size_t)(lf - s) + 1 : (size_t)avail;
    if (n > room) { n = room; lf = 0; }
    if (!stralloc_catb(out, s, n)) return -1;
    in->pos += n;
    room -= n;
    if (lf) {
      if (out->len - start >= 2 && out->s[out->len - 2] == '\r') {
        out->s[out->len - 2] = '\n';
        out->len--;
      }
      in->bol = 1;
      *whole = 1;
      return 1;
    }
    if (!room) {
      if (out->s[out->len - 1] == '\r') { out->len--; in->cr = 1; }
      in->bol = 0;
      *whole = 0;
      return 1;
    }
  }
}
