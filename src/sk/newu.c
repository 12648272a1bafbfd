/* newu: compile users/assign into users/cdb the crash-safe way.
 *
 * users/cdb.tmp is written, fsynced and renamed to users/cdb, then users/
 * is fsynced: a reader sees the old cdb or the new one, never a mix. An
 * exclusive lock on users/ serializes concurrent runs. Never exits: a
 * failure is logged as the fatal line ("unable to parse users/assign line
 * N" for a malformed file, users/cdb.tmp removed first) and returned as
 * the exit code, 100 or 111, for main to end with. */
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

/* the fatal line, without dying: e for the caller to return */
#define fatal(e, ...) (strerr_warn(PROG, ": fatal: ", __VA_ARGS__), (e))
#define fatalsys(e, ...) (strerr_warnsys(PROG, ": fatal: unable to ", __VA_ARGS__), (e))

int newu_lock(void)
{
  int fd = open("users", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fatalsys(111, "open ", "users");
  if (flock(fd, LOCK_EX) < 0) {
    int r = fatalsys(111, "lock ", "users");
    close(fd);
    return r;
  }
  /* the descriptor stays open: the lock lasts until exit */
  return 0;
}

static int fail_tmp(int fd, char const *verb, char const *after)
{
  int e = errno;
  if (fd >= 0) close(fd);
  unlink(TMP);
  errno = e;
  return fatalsys(111, verb, TMP, after);
}

/* users/assign's text into TMP, fsynced; closes fd */
static int write_tmp(char *text, size_t len, int fd)
{
  unsigned line;
  char const *why;
  char fmt[UINT_FMT];
  int r = assign_compile(text, len, fd, &line, &why);
  if (r == -2) {
    close(fd);
    unlink(TMP);
    fmt[uint_fmt(fmt, line)] = 0;
    return fatal(100, "unable to parse users/assign line ", fmt, ": ", why, ": users/cdb left unchanged");
  }
  if (r < 0) return fail_tmp(fd, "write ", "");
  if (fsync(fd) < 0) return fail_tmp(fd, "fsync ", "");
  if (close(fd) < 0) return fail_tmp(-1, "close ", "");
  return 0;
}

int newu_compile(void)
{
  char *text;
  size_t len;
  if (slurp_path("users/assign", 0, ASSIGN_FILE_MAX, &text, &len) < 0) return fatalsys(111, "read ", "users/assign");
  int fd = open(TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    int r = fatalsys(111, "create ", TMP);
    free(text);
    return r;
  }
  int r = write_tmp(text, len, fd);
  free(text);
  if (r) return r;
  if (rename(TMP, "users/cdb") < 0) return fail_tmp(-1, "rename ", " to users/cdb");
  if (durable_fsync_dir("users") < 0) return fatalsys(111, "fsync ", "users");
  return 0;
}
