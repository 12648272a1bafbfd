/* durable: write, fsync, rename, fsync the folder. See durable.h. */
#include "common/durable.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int durable_write_all(int fd, char const *s, size_t len)
{
  while (len) {
    ssize_t r = write(fd, s, len);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    s += r;
    len -= (size_t)r;
  }
  return 0;
}

int durable_fsync_dir(char const *dir)
{
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  if (fsync(fd) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return close(fd);
}

int durable_fsync_parent(char const *path)
{
  char dir[PATH_MAX];
  char const *slash = strrchr(path, '/');
  if (!slash) return durable_fsync_dir(".");
  size_t n = (size_t)(slash - path);
  if (!n) return durable_fsync_dir("/");
  if (n >= sizeof dir) { errno = ENAMETOOLONG; return -1; }
  memcpy(dir, path, n);
  dir[n] = 0;
  return durable_fsync_dir(dir);
}

int durable_put(char const *path, char const *tmp, char const *data, size_t len, mode_t mode)
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

int durable_replace(char const *path, char const *tmp, char const *data, size_t len, mode_t mode)
{
  if (durable_put(path, tmp, data, len, mode) < 0) return -1;
  return durable_fsync_parent(path);
}

int durable_remove(char const *path)
{
  return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int durable_unlink(char const *path)
{
  if (durable_remove(path) < 0) return -1;
  return durable_fsync_parent(path);
}
