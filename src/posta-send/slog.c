/* slog: building and writing log lines. See slog.h. */
#include "posta-send/slog.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/esc.h"

void slog_start(slog *l, int fd)
{
  l->len = 0;
  l->cut = 0;
  l->fd = fd;
}

static void put(slog *l, char const *s, size_t n)
{
  if (l->cut) return;
  if (n > SLOG_LINE_MAX - l->len) {
    n = SLOG_LINE_MAX - l->len;
    l->cut = 1;
  }
  memcpy(l->s + l->len, s, n);
  l->len += n;
}

/* c under p; an escape is never split by the cut */
static void esc(slog *l, unsigned char c, esc_policy p)
{
  char e[ESC_MAX];
  size_t n = esc_byte(e, c, p);
  if (l->len + n > SLOG_LINE_MAX) { l->cut = 1; return; }
  put(l, e, n);
}

void slog_str(slog *l, char const *s)
{
  put(l, s, strlen(s));
}

void slog_msg(slog *l, int fd, char const *head, uint64_t id)
{
  slog_start(l, fd);
  slog_str(l, head);
  slog_str(l, " msg ");
  slog_u(l, id);
}

void slog_u(slog *l, uint64_t u)
{
  char b[24];
  int n = snprintf(b, sizeof b, "%llu", (unsigned long long)u);
  put(l, b, (size_t)n);
}

void slog_addr(slog *l, char const *s)
{
  put(l, "<", 1);
  for (; *s && !l->cut; s++) esc(l, (unsigned char)*s, ESC_ADDR);
  put(l, ">", 1);
}

void slog_text(slog *l, char const *s)
{
  for (; *s && !l->cut; s++) esc(l, (unsigned char)*s, ESC_TEXT);
}

void slog_unable(int fd, char const *what, char const *object, int e)
{
  slog l;
  slog_start(&l, fd);
  slog_str(&l, "posta-send: warning: unable to ");
  slog_str(&l, what);
  slog_str(&l, object);
  slog_str(&l, ": ");
  slog_str(&l, e == EPROTO ? "malformed record" : strerror(e));
  slog_end(&l);
}

void slog_end(slog *l)
{
  size_t off = 0;
  if (l->cut) {
    memcpy(l->s + l->len, "...", 3);
    l->len += 3;
  }
  l->s[l->len++] = '\n';
  while (off < l->len) {
    ssize_t r = write(l->fd, l->s + off, l->len - off);
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    off += (size_t)r;
  }
  l->len = 0;
  l->cut = 0;
}
