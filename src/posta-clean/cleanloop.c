/* cleanloop: read requests, answer them. See cleanloop.h. */
#include "posta-clean/cleanloop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "posta-clean/cleanops.h"

#define IN_MAX 4096
#define OUT_MAX 65536
#define ANSWER_MAX (CLEAN_LINE_MAX + 160)

typedef struct loop_s loop;
struct loop_s {
  char out[OUT_MAX];    /* answers ready to go */
  size_t outlen;
  char held[OUT_MAX];   /* answers behind the batch's first: in order */
  size_t heldlen;
  cleanbatch b;
  int64_t first;        /* when the batch's first request came (ms) */
  int64_t last;         /* when the last request came (ms) */
};

static int64_t now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int flush(loop *l)
{
  size_t off = 0;
  while (off < l->outlen) {
    ssize_t r = write(1, l->out + off, l->outlen - off);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    off += (size_t)r;
  }
  l->outlen = 0;
  return 0;
}

static int put(loop *l, char const *s, size_t n)
{
  if (l->outlen + n > sizeof l->out && flush(l) < 0) return -1;
  memcpy(l->out + l->outlen, s, n);
  l->outlen += n;
  return 0;
}

/* The batch's removals made durable, its mess files removed, and every
 * held answer moved to out in order, "?ID" replaced by the real one. */
static int commit(loop *l)
{
  char a[ANSWER_MAX];
  if (!l->b.n) return 0;
  cleanops_sync(&l->b);
  for (size_t off = 0; off < l->heldlen;) {
    char *nl = memchr(l->held + off, '\n', l->heldlen - off);
    size_t n = (size_t)(nl - (l->held + off)) + 1;
    if (l->held[off] == '?') {
      uint64_t id = strtoull(l->held + off + 1, 0, 10);
      if (put(l, a, cleanops_finish(&l->b, id, a)) < 0) return -1;
    } else if (put(l, l->held + off, n) < 0) return -1;
    off += n;
  }
  l->heldlen = 0;
  l->b.n = 0;
  return flush(l);
}

/* One request: its answer goes out, or behind the batch while one waits. */
static int request(loop *l, char const *line, size_t n)
{
  char a[ANSWER_MAX];
  if (l->b.n == CLEAN_BATCH || l->heldlen + sizeof a > sizeof l->held)
    if (commit(l) < 0) return -1;
  unsigned had = l->b.n;
  size_t k = cleanops_do(line, n, a, (uint64_t)time(0), &l->b);
  if (!had && l->b.n) l->first = l->last;
  if (!l->b.n) return put(l, a, k);
  memcpy(l->held + l->heldlen, a, k);
  l->heldlen += k;
  return 0;
}

/* How long poll may wait: forever without a batch; else until the input
 * was quiet for CLEAN_QUIET ms or the batch is CLEAN_HOLD ms old. */
static int wait_ms(loop const *l)
{
  if (!l->b.n) return -1;
  int64_t t = now_ms();
  int64_t end = l->last + CLEAN_QUIET;
  if (l->first + CLEAN_HOLD < end) end = l->first + CLEAN_HOLD;
  return end <= t ? 0 : (int)(end - t);
}

static int more_input(int ms)
{
  struct pollfd p = { 0, POLLIN, 0 };
  int r;
  while ((r = poll(&p, 1, ms)) < 0 && errno == EINTR) {}
  return r != 0;
}

int cleanloop_run(void)
{
  loop l = { .outlen = 0 };
  char in[IN_MAX];
  size_t inlen = 0;
  for (;;) {
    if (!more_input(wait_ms(&l))) {
      if (commit(&l) < 0) goto wfail;
      continue;
    }
    ssize_t r = read(0, in + inlen, sizeof in - inlen);
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      strerr_warnwusys("read requests");
      return 111;
    }
    if (!r) return commit(&l) < 0 || flush(&l) < 0 ? 111 : 0;
    inlen += (size_t)r;
    l.last = now_ms();
    char *nl;
    while ((nl = memchr(in, '\n', inlen)) || inlen == sizeof in) {
      size_t n = nl ? (size_t)(nl - in) : inlen;
      if (request(&l, in, n) < 0) goto wfail;
      n += nl ? 1 : 0;
      memmove(in, in + n, inlen - n);
      inlen -= n;
    }
    if (!more_input(0) && flush(&l) < 0) goto wfail;
  }
wfail:
  strerr_warnwusys("write answers");
  return 111;
}
