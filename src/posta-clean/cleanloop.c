/* cleanloop: read requests, answer them. See cleanloop.h. */
#include "posta-clean/cleanloop.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "posta-clean/cleanops.h"

#define IN_MAX 4096
#define OUT_MAX 65536

static int flush(char *out, size_t *len)
{
  size_t off = 0;
  while (off < *len) {
    ssize_t r = write(1, out + off, *len - off);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    off += (size_t)r;
  }
  *len = 0;
  return 0;
}

static int more_input(void)
{
  struct pollfd p = { 0, POLLIN, 0 };
  return poll(&p, 1, 0) > 0;
}

int cleanloop_run(void)
{
  char in[IN_MAX], out[OUT_MAX];
  size_t inlen = 0, outlen = 0;
  for (;;) {
    ssize_t r = read(0, in + inlen, sizeof in - inlen);
    if (r < 0) {
      if (errno == EINTR) continue;
      strerr_warnwusys("read requests");
      return 111;
    }
    if (!r) return flush(out, &outlen) < 0 ? 111 : 0;
    inlen += (size_t)r;
    char *nl;
    while ((nl = memchr(in, '\n', inlen)) || inlen == sizeof in) {
      size_t n = nl ? (size_t)(nl - in) : inlen;
      if (outlen + CLEAN_LINE_MAX + 160 > sizeof out && flush(out, &outlen) < 0) return 111;
      outlen += cleanops_do(in, n, out + outlen, (uint64_t)time(0));
      n += nl ? 1 : 0;
      memmove(in, in + n, inlen - n);
      inlen -= n;
    }
    if (!more_input() && flush(out, &outlen) < 0) {
      strerr_warnwusys("write answers");
      return 111;
    }
  }
}
