/* msg: copy and scan the message on fd 0. See msg.h. Never exits. */
#include "posta-local/msg.h"

#include <errno.h>
#include <unistd.h>

#include "common/durable.h"
#include "posta-local/mboxquote.h"

#define MSG_BUF 32768

int msg_rewind(void)
{
  return lseek(0, 0, SEEK_SET) < 0 ? -1 : 0;
}

static ssize_t get(char *buf, size_t n)
{
  for (;;) {
    ssize_t r = read(0, buf, n);
    if (r >= 0 || errno != EINTR) return r;
  }
}

static int put_lines(int fd, local_ctx const *c, unsigned flags, mboxquote *q)
{
  char out[2 * 4096 + 8];
  stralloc const *sa[3] = { &c->ufline, &c->rpline, &c->dtline };
  for (unsigned i = 0; i < 3; i++) {
    if (!(flags & (1u << i))) continue;
    /* the mbox From_ line is the one line never quoted */
    if (!(flags & MSG_MBOX) || !i) {
      if (durable_write_all(fd, sa[i]->s, sa[i]->len) < 0) return -1;
    } else {
      for (size_t off = 0; off < sa[i]->len; off += 4096) {
        size_t k = sa[i]->len - off < 4096 ? sa[i]->len - off : 4096;
        size_t n = mboxquote_feed(q, sa[i]->s + off, k, out);
        if (durable_write_all(fd, out, n) < 0) return -1;
      }
    }
  }
  return 0;
}

int msg_copy(int fd, local_ctx const *c, unsigned flags)
{
  char buf[MSG_BUF];
  char out[2 * MSG_BUF + 8];
  mboxquote q = MBOXQUOTE_ZERO;
  ssize_t r;
  if (msg_rewind() < 0 || put_lines(fd, c, flags, &q) < 0) return -1;
  while ((r = get(buf, sizeof buf)) > 0) {
    if (flags & MSG_MBOX) {
      size_t n = mboxquote_feed(&q, buf, (size_t)r, out);
      if (durable_write_all(fd, out, n) < 0) return -1;
    } else if (durable_write_all(fd, buf, (size_t)r) < 0) return -1;
  }
  if (r < 0) return -1;
  if (flags & MSG_MBOX) {
    size_t n = mboxquote_end(&q, out);
    if (durable_write_all(fd, out, n) < 0) return -1;
  }
  return 0;
}

int msg_loopcheck(loopcheck *l)
{
  char buf[8192];
  ssize_t r;
  if (msg_rewind() < 0) return -1;
  while (!l->done && (r = get(buf, sizeof buf)) > 0) loopcheck_feed(l, buf, (size_t)r);
  if (!l->done) {
    if (r < 0) return -1;
    loopcheck_end(l);
  }
  return 0;
}
