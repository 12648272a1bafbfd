/* wbatch: grouped durable writes. See wbatch.h. */
#include "posta-send/wbatch.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>


/* Remembers the folder of path; commits early when the list is full. */
static int remember(send_ctx *ctx, wbatch *b, char const *path)
{
  char const *slash = strrchr(path, '/');
  size_t n = slash ? (size_t)(slash - path) : 0;
  if (!n || n >= QPATH_MAX) { errno = EINVAL; return -1; }
  for (unsigned i = 0; i < b->n; i++)
    if (!strncmp(b->dir[i], path, n) && !b->dir[i][n]) return 0;
  if (b->n == WBATCH_DIRS && wbatch_commit(ctx, b) < 0) return -1;
  memcpy(b->dir[b->n], path, n);
  b->dir[b->n][n] = 0;
  b->n++;
  return 0;
}

int wbatch_put(send_ctx *ctx, wbatch *b, char const *path, char const *data, size_t len)
{
  char tmp[QPATH_MAX + 8];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  if (remember(ctx, b, path) < 0) return -1;
  return ctx->put(path, tmp, data, len, 0600);
}

int wbatch_remove(send_ctx *ctx, wbatch *b, char const *path)
{
  if (remember(ctx, b, path) < 0) return -1;
  return ctx->rm(path);
}

int wbatch_commit(send_ctx *ctx, wbatch *b)
{
  int r = 0, e = 0;
  for (unsigned i = 0; i < b->n; i++)
    if (ctx->syncdir(b->dir[i]) < 0 && !r) { r = -1; e = errno; }
  b->n = 0;
  if (r) errno = e;
  return r;
}
