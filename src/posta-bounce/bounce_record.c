/* bounce_record: the record that asks for a notice, locked for the whole
 * run so that two runs for one id never both inject.
 *
 * The lock is flock(LOCK_EX) on the open record, waited for. A run that
 * waited finds, once it holds the lock, either no record (the other run
 * sent the notice and removed it: nothing to do), or a new file under the
 * name (posta-send wrote a new record: it locks that one instead). The
 * record is read from the locked descriptor, whole. Removal happens only
 * while the lock is held and only when the name still is the locked file.
 * Ends the process on failure: 111 for the system's errors, 100 for a
 * record too big to be one. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/durable.h"
#include "common/slurp.h"
#include "posta-bounce/bounce.h"

static int same_file(struct stat const *a, struct stat const *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* 1: fd is locked and path still names it; 0: path is gone; -1: path now
 * names another file. */
static int lock(bounce *b, int fd)
{
  struct stat fst, pst;
  while (flock(fd, LOCK_EX) < 0)
    if (errno != EINTR) strerr_diefu2sys(111, "lock ", b->path);
  if (fstat(fd, &fst) < 0) strerr_diefu2sys(111, "stat ", b->path);
  if (stat(b->path, &pst) < 0) {
    if (errno == ENOENT) return 0;
    strerr_diefu2sys(111, "stat ", b->path);
  }
  return same_file(&fst, &pst) ? 1 : -1;
}

static void slurp(bounce *b)
{
  if (slurp_fd(b->fd, BOUNCE_REC_MAX, &b->rec, &b->reclen) == 0) return;
  if (errno == EFBIG) strerr_dief2x(100, b->path, ": too big to be a record");
  strerr_diefu2sys(111, "read ", b->path);
}

int bounce_record_load(bounce *b)
{
  if (!qpath(b->path, b->rkind, b->id)) strerr_dief1x(100, "message id too long");
  for (unsigned tries = 0;; tries++) {
    int fd = open(b->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      if (errno == ENOENT) return 0;
      strerr_diefu2sys(111, "open ", b->path);
    }
    int r = lock(b, fd);
    if (r > 0) {
      b->fd = fd;
      break;
    }
    close(fd);
    if (!r) return 0;
    if (tries >= 100) strerr_diefu3x(111, "lock ", b->path, ": it keeps being replaced");
  }
  slurp(b);
  return 1;
}

void bounce_record_remove(bounce *b)
{
  if (lock(b, b->fd) < 0) {
    strerr_warnw3x("not removing ", b->path, ": it was replaced while the notice was sent");
    return;
  }
  if (durable_unlink(b->path) < 0) strerr_diefu2sys(111, "remove ", b->path);
}
