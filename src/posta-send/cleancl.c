/* cleancl: talking to posta-clean. See cleancl.h. */
#include "posta-send/cleancl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/qpath.h"
#include "posta-send/schedq.h"
#include "posta-send/slog.h"

static char const *const opnames[] = { "todo", "mess", "stale" };
enum { OP_TODO, OP_MESS, OP_STALE, OP_N };

void cleancl_init(cleancl *c, int wfd, int rfd)
{
  memset(c, 0, sizeof *c);
  c->wfd = wfd;
  c->rfd = rfd;
}

int cleancl_ask(send_ctx *ctx, char const *op, uint64_t id)
{
  cleancl *c = &ctx->cl;
  char line[64];
  int n = snprintf(line, sizeof line, "%s %llu\n", op, (unsigned long long)id);
  if (c->outlen + (size_t)n > c->outa) {
    size_t a = (c->outa ? c->outa * 2 : 1024) + (size_t)n;
    char *s = realloc(c->out, a);
    if (!s) return -1;
    c->out = s;
    c->outa = a;
  }
  /* the answer names the id; todo requests are remembered so that a scan
   * does not ask twice */
  uint64_t k = 0;
  while (k < OP_N && strcmp(op, opnames[k])) k++;
  if (idq_push(&c->sent, id) < 0 || idq_push(&c->ops, k) < 0) return -1;
  if (k == OP_TODO && idset_add(&c->todo_asked, id) < 0) return -1;
  memcpy(c->out + c->outlen, line, (size_t)n);
  c->outlen += (size_t)n;
  return 0;
}

int cleancl_want_write(cleancl const *c)
{
  return c->outlen > 0;
}

int cleancl_write(send_ctx *ctx)
{
  cleancl *c = &ctx->cl;
  while (c->outlen) {
    ssize_t r = write(c->wfd, c->out, c->outlen);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return 0;
      return -1;
    }
    memmove(c->out, c->out + r, c->outlen - (size_t)r);
    c->outlen -= (size_t)r;
  }
  return 0;
}

/* mess is gone: the records kept to say so can go too, and the id is
 * free for a new message (its inode may be reused at once: todo/ is read
 * again so that such a message is not skipped as known) */
static void mess_removed(send_ctx *ctx, uint64_t id)
{
  char path[QPATH_MAX];
  qpath(path, "local", id);
  unlink(path);
  qpath(path, "remote", id);
  unlink(path);
  idset_del(&ctx->known, id);
  schedq_todo_rescan(ctx);
}

static void answer(send_ctx *ctx, char *line)
{
  cleancl *c = &ctx->cl;
  uint64_t id = 0, want, op = OP_N;
  char *p = line + 1;
  while (*p >= '0' && *p <= '9') id = id * 10 + (uint64_t)(*p++ - '0');
  if (!idq_pop(&c->sent, &want) || !idq_pop(&c->ops, &op) || want != id || (line[0] != '+' && line[0] != '!')) {
    slog l;
    slog_start(&l, ctx->logfd);
    slog_str(&l, "posta-send: warning: unexpected answer from posta-clean: ");
    slog_text(&l, line);
    slog_end(&l);
    return;
  }
  idset_del(&c->todo_asked, id);
  if (line[0] == '+' && op == OP_MESS) mess_removed(ctx, id);
  if (line[0] == '!') {
    slog l;
    slog_msg(&l, ctx->logfd, "posta-send: warning: posta-clean could not clean", id);
    slog_str(&l, ":");
    slog_text(&l, p);
    slog_end(&l);
  }
}

int cleancl_read(send_ctx *ctx)
{
  cleancl *c = &ctx->cl;
  for (;;) {
    ssize_t r = read(c->rfd, c->in + c->inlen, sizeof c->in - 1 - c->inlen);
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN ? 0 : -1;
    }
    if (!r) { c->eof = 1; return -1; }
    c->inlen += (size_t)r;
    for (;;) {
      char *nl = memchr(c->in, '\n', c->inlen);
      if (!nl) {
        /* a line longer than the buffer is cut where it fills it */
        if (c->inlen < sizeof c->in - 1) break;
        nl = c->in + c->inlen - 1;
      }
      *nl = 0;
      answer(ctx, c->in);
      size_t used = (size_t)(nl - c->in) + 1;
      memmove(c->in, c->in + used, c->inlen - used);
      c->inlen -= used;
    }
  }
}

int cleancl_pending_todo(send_ctx const *ctx, uint64_t id)
{
  return idset_has(&ctx->cl.todo_asked, id);
}
