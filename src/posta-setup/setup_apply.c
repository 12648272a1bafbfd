/* setup_apply: make an instance match the install table.
 *
 * Creates what is missing, then gives every entry its owner, group and mode.
 * Programs are replaced atomically (a temporary name, then rename), so a
 * running instance never sees half a program. What lives inside the queue,
 * the mailboxes and the control files is never read or changed: a second run
 * on a live instance only fixes owners and modes and updates programs. */
#include "posta-setup/setup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/durable.h"
#include "conf.h"

static int ensure_dir(char const *path, uid_t uid, gid_t gid, mode_t mode)
{
  struct stat st;
  if (lstat(path, &st) < 0) {
    if (errno != ENOENT) { strerr_warnwu2sys("stat ", path); return -1; }
    if (mkdir(path, 0700) < 0) { strerr_warnwu2sys("mkdir ", path); return -1; }
  } else if (!S_ISDIR(st.st_mode)) {
    strerr_warnw2x(path, " exists and is not a folder");
    return -1;
  }
  return setup_own(path, uid, gid, mode);
}

static int ensure_fifo(char const *path, uid_t uid, gid_t gid, mode_t mode)
{
  struct stat st;
  if (lstat(path, &st) < 0) {
    if (errno != ENOENT) { strerr_warnwu2sys("stat ", path); return -1; }
    if (mkfifo(path, 0600) < 0) { strerr_warnwu2sys("mkfifo ", path); return -1; }
  } else if (!S_ISFIFO(st.st_mode)) {
    strerr_warnw2x(path, " exists and is not a named pipe");
    return -1;
  }
  return setup_own(path, uid, gid, mode);
}

static int ensure_file(char const *path, char const *content, uid_t uid, gid_t gid, mode_t mode)
{
  struct stat st;
  if (lstat(path, &st) < 0) {
    if (errno != ENOENT) { strerr_warnwu2sys("stat ", path); return -1; }
    return setup_write_new(path, content, uid, gid, mode);
  }
  if (!S_ISREG(st.st_mode)) {
    strerr_warnw2x(path, " exists and is not a file");
    return -1;
  }
  return setup_own(path, uid, gid, mode);
}

static int copy_fd(int from, int to)
{
  char buf[65536];
  for (;;) {
    ssize_t r = read(from, buf, sizeof buf);
    if (r < 0) { if (errno == EINTR) continue; return -1; }
    if (!r) return 0;
    if (durable_write_all(to, buf, (size_t)r) < 0) return -1;
  }
}

/* 1 copied, 0 source missing (a program not built yet), -1 error */
static int install_prog(setup const *s, char const *path, uid_t uid, gid_t gid, mode_t mode)
{
  char src[PATH_MAX], tmp[PATH_MAX];
  char const *name = strrchr(path, '/') + 1;
  struct stat sst, dst;
  int from, to;
  if ((size_t)snprintf(src, sizeof src, "%s/%s", s->bindir, name) >= sizeof src) return -1;
  if (stat(src, &sst) < 0) return errno == ENOENT ? 0 : -1;
  /* posta-setup run from the instance itself: nothing to copy */
  if (stat(path, &dst) == 0 && dst.st_dev == sst.st_dev && dst.st_ino == sst.st_ino)
    return setup_own(path, uid, gid, mode) < 0 ? -1 : 1;
  if ((size_t)snprintf(tmp, sizeof tmp, "%.*s.%s.tmp", (int)(name - path), path, name) >= sizeof tmp) return -1;
  from = open(src, O_RDONLY | O_CLOEXEC);
  if (from < 0) { strerr_warnwu2sys("open ", src); return -1; }
  unlink(tmp);
  to = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
  if (to < 0) { strerr_warnwu2sys("create ", tmp); close(from); return -1; }
  if (copy_fd(from, to) < 0 || fsync(to) < 0) {
    strerr_warnwu2sys("copy to ", tmp);
    close(from); close(to); unlink(tmp);
    return -1;
  }
  close(from);
  close(to);
  if (setup_own(tmp, uid, gid, mode) < 0 || rename(tmp, path) < 0) {
    strerr_warnwu2sys("install ", path);
    unlink(tmp);
    return -1;
  }
  return 1;
}

static int apply_one(setup const *s, inst_entry const *e)
{
  char path[PATH_MAX];
  uid_t uid = inst_uid(e, &s->r);
  gid_t gid = inst_gid(e, &s->r);
  mode_t mode = inst_mode(e, &s->r);
  if (setup_path(path, sizeof path, s->home, e->path) < 0) return -1;
  switch (e->type) {
    case INST_DIR: return ensure_dir(path, uid, gid, mode);
    case INST_FIFO: return ensure_fifo(path, uid, gid, mode);
    case INST_FILE: return ensure_file(path, e->content, uid, gid, mode);
    case INST_PROG: {
      int r = install_prog(s, path, uid, gid, mode);
      if (!r) strerr_warnw3x("program ", path, " is not built yet: not installed");
      return r < 0 ? -1 : 0;
    }
    case INST_SPLITDIR:
      if (ensure_dir(path, uid, gid, mode) < 0) return -1;
      for (unsigned i = 0; i < CONF_SPLIT; i++) {
        char sub[PATH_MAX + 16];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%u", path, i) >= sizeof sub) return -1;
        if (ensure_dir(sub, uid, gid, mode) < 0) return -1;
      }
      return 0;
  }
  return -1;
}

int setup_apply(setup const *s)
{
  int ok = 0;
  for (unsigned i = 0; i < inst_table_len; i++)
    if (apply_one(s, &inst_table[i]) < 0) ok = -1;
  return ok;
}
