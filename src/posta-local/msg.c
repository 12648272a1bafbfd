/* msg: copy and scan the message on fd 0. See msg.h. Never exits. */
#include "posta-local/msg.h"

#include <errno.h>
#include <string.h>
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

/* Output is gathered in out and written when it holds more than MSG_BUF
 * bytes, so that a small message costs one write(2). */
typedef struct outbuf_s outbuf;
struct outbuf_s {
  int fd;
  size_t len;
  char s[3 * MSG_BUF + 8];
};

static int flush(outbuf *o, size_t above)
{
  if (o->len <= above) return 0;
  if (durable_write_all(o->fd, o->s, o->len) < 0) return -1;
  o->len = 0;
  return 0;
}

/* Appends n bytes (at most MSG_BUF), quoted for an mbox when q is not 0. */
static int put(outbuf *o, char const *s, size_t n, mboxquote *q)
{
  if (q) o->len += mboxquote_feed(q, s, n, o->s + o->len);
  else {
    memcpy(o->s + o->len, s, n);
    o->len += n;
  }
  return flush(o, MSG_BUF);
}

static int put_lines(outbuf *o, local_ctx const *c, unsigned flags, mboxquote *q)
{
  stralloc const *sa[3] = { &c->ufline, &c->rpline, &c->dtline };
  for (unsigned i = 0; i < 3; i++) {
    if (!(flags & (1u << i))) continue;
    for (size_t off = 0; off < sa[i]->len; off += MSG_BUF) {
      size_t k = sa[i]->len - off < MSG_BUF ? sa[i]->len - off : MSG_BUF;
      /* the mbox From_ line is the one line never quoted */
      if (put(o, sa[i]->s + off, k, (flags & MSG_MBOX) && i ? q : 0) < 0) return -1;
    }
  }
  return 0;
}

int msg_copy(int fd, local_ctx const *c, unsigned flags)
{
  char buf[MSG_BUF];
  outbuf o;
  mboxquote q = MBOXQUOTE_ZERO;
  mboxquote *qp = flags & MSG_MBOX ? &q : 0;
  ssize_t r;
  o.fd = fd;
  o.len = 0;
  if (msg_rewind() < 0 || put_lines(&o, c, flags, qp) < 0) return -1;
  while ((r = get(buf, sizeof buf)) > 0)
    if (put(&o, buf, (size_t)r, qp) < 0) return -1;
  if (r < 0) return -1;
  if (qp) o.len += mboxquote_end(qp, o.s + o.len);
  return flush(&o, 0);
}

int msg_loopcheck(loopcheck *l)
{
  char buf[8192];
  ssize_t r = 0;
  if (msg_rewind() < 0) return -1;
  while (!l->done && (r = get(buf, sizeof buf)) > 0) loopcheck_feed(l, buf, (size_t)r);
  if (!l->done) {
    if (r < 0) return -1;
    loopcheck_end(l);
  }
  return 0;
}
