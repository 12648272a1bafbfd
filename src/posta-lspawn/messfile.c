/* messfile: opening a queued message by its id. See messfile.h.
 * Every open is an openat from a descriptor, with O_NOFOLLOW; nothing
 * is read here. */
#include "posta-lspawn/messfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "common/qpath.h"

#define DIRFLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

int messdir_open(messdir *d, uid_t uid)
{
  struct stat st;
  int q = open("queue", DIRFLAGS);
  if (q < 0) return -1;
  d->fd = openat(q, "mess", DIRFLAGS);
  int e = errno;
  close(q);
  if (d->fd < 0) { errno = e; return -1; }
  if (fstat(d->fd, &st) < 0) goto fail;
  if (st.st_uid != uid) { errno = EPERM; goto fail; }
  d->uid = uid;
  d->dev = st.st_dev;
  return 0;
fail:
  e = errno;
  close(d->fd);
  d->fd = -1;
  errno = e;
  return -1;
}

char const *messfile_check(messdir const *d, struct stat const *st, unsigned long long id)
{
  if (!S_ISREG(st->st_mode)) return "message not in the queue: not a regular file";
  if (st->st_uid != d->uid) return "message not in the queue: not owned by the queue";
  if (st->st_dev != d->dev) return "message not in the queue: not on the queue's file system";
  if (st->st_nlink != 1) return "message not in the queue: more than one link";
  if ((unsigned long long)st->st_ino != id) return "message not in the queue: not the file of its id";
  return 0;
}

static int refuse(int fd, char const **why, char const *what)
{
  if (fd >= 0) close(fd);
  *why = what;
  return -1;
}

int messfile_open(messdir const *d, char const *id, char const **why)
{
  char sub[16];
  struct stat st;
  uint64_t v;
  if (!qpath_id(id, &v)) return refuse(-1, why, "message not in the queue: bad id");
  snprintf(sub, sizeof sub, "%u", qpath_split(v));
  int n = openat(d->fd, sub, DIRFLAGS);
  if (n < 0) return refuse(-1, why, "message not in the queue: unable to open its folder");
  if (fstat(n, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != d->uid || st.st_dev != d->dev)
    return refuse(n, why, "message not in the queue: its folder is not the queue's");
  /* O_NONBLOCK: a FIFO put in its place must not hold the loop */
  int fd = openat(n, id, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  int e = errno;
  close(n);
  if (fd < 0)
    return refuse(-1, why, e == ENOENT ? "message not in the queue: no such file"
                           : e == ELOOP ? "message not in the queue: a symbolic link"
                                        : "message not in the queue: unable to open it");
  if (fstat(fd, &st) < 0) return refuse(fd, why, "message not in the queue: unable to stat it");
  char const *bad = messfile_check(d, &st, v);
  if (bad) return refuse(fd, why, bad);
  if (fcntl(fd, F_SETFL, 0) < 0) return refuse(fd, why, "message not in the queue: unable to set its flags");
  return fd;
}
