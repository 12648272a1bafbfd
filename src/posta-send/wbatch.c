/* wbatch: grouped durable writes. See wbatch.h. */
#include "posta-send/wbatch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/durable.h"

int wbatch_put_file(char const *path, char const *tmp, char const *data, size_t len, mode_t mode)
{
  int e;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return -1;
  if (durable_write_all(fd, data, len) < 0 || fsync(fd) < 0) goto fail;
  if (close(fd) < 0) { fd = -1; goto fail; }
  fd = -1;
  if (rename(tmp, path) < 0) goto fail;
  return 0;
fail:
  e = errno;
  if (fd >= 0) close(fd);
  unlink(tmp);
  errno = e;
  return -1;
}

int wbatch_rm_file(char const *path)
{
  return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

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
