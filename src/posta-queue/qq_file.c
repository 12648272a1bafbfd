/* qq_file: creating a queue file with the owner and group posta-send
 * expects. A setuid program creates files with its caller's group; the
 * queue's files must have the queue's group (posta), so posta-queue gives it
 * to them, and fails (with the folder's code) when it cannot: a message
 * posta-send could not read would be lost in the queue. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posta-queue/qq.h"

int qq_create(qq const *q, char const *fn, int flags, mode_t mode, struct stat *st)
{
  int fd = open(fn, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags, mode);
  if (fd < 0) return -1;
  if (fstat(fd, st) < 0) goto fail;
  if (st->st_gid != q->qgid && fchown(fd, (uid_t)-1, q->qgid) < 0) goto fail;
  return fd;
fail:
  {
    int e = errno;
    close(fd);
    unlink(fn);
    errno = e;
  }
  return -1;
}
