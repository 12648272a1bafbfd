/* newu: compile users/assign into users/cdb the crash-safe way.
 *
 * users/cdb.tmp is written, fsynced and renamed to users/cdb, then users/
 * is fsynced: a reader sees the old cdb or the new one, never a mix. An
 * exclusive lock on users/ serializes concurrent runs. Dies with 100 on a
 * malformed users/assign (naming the line), 111 on a system error, and
 * removes users/cdb.tmp before dying. */
#include "sk/newu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/durable.h"
#include "common/rec.h"
#include "common/slurp.h"
#include "sk/assign.h"

#define TMP "users/cdb.tmp"

void newu_lock(void)
{
  int fd = open("users", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) strerr_diefu2sys(111, "open ", "users");
  if (flock(fd, LOCK_EX) < 0) strerr_diefu2sys(111, "lock ", "users");
  /* the descriptor stays open: the lock lasts until exit */
}

static void die_tmp(char const *verb, char const *after)
{
  int e = errno;
  unlink(TMP);
  errno = e;
  strerr_diefu3sys(111, verb, TMP, after);
}

void newu_compile(void)
{
  char *text;
  size_t len;
  unsigned line;
  char const *why;
  char fmt[UINT_FMT];
  if (slurp_path("users/assign", 0, ASSIGN_FILE_MAX, &text, &len) < 0) strerr_diefu2sys(111, "read ", "users/assign");
  int fd = open(TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) strerr_diefu2sys(111, "create ", TMP);
  int r = assign_compile(text, len, fd, &line, &why);
  free(text);
  if (r == -2) {
    close(fd);
    unlink(TMP);
    fmt[uint_fmt(fmt, line)] = 0;
    strerr_dief5x(100, "unable to parse users/assign line ", fmt, ": ", why, ": users/cdb left unchanged");
  }
  if (r < 0) die_tmp("write ", "");
  if (fsync(fd) < 0) die_tmp("fsync ", "");
  if (close(fd) < 0) die_tmp("close ", "");
  if (rename(TMP, "users/cdb") < 0) die_tmp("rename ", " to users/cdb");
  if (durable_fsync_dir("users") < 0) strerr_diefu2sys(111, "fsync ", "users");
}
