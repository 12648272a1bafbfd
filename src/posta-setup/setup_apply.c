/* setup_apply: make an instance match the install table.
 *
 * Creates what is missing, then gives every entry its owner, group and mode,
 * through descriptors only (setup_fs.c): the folders of the queue, alias/
 * and mailboxes/ belong to other uids, who could swap an entry for a link.
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

/* 1 copied, 0 source missing (a program not built yet), -1 error. The
 * program goes to a temporary name in dir (O_EXCL: never through a link),
 * gets its owner and mode on that descriptor, then is renamed into place. */
static int install_prog(setup const *s, int dir, char const *name, char const *path, uid_t uid, gid_t gid, mode_t mode)
{
  char src[PATH_MAX], tmp[NAME_MAX + 1];
  struct stat sst, dst;
  int from, to;
  if ((size_t)snprintf(src, sizeof src, "%s/%s", s->bindir, name) >= sizeof src) return -1;
  if (stat(src, &sst) < 0) return errno == ENOENT ? 0 : -1;
  /* posta-setup run from the instance itself: nothing to copy */
  if (fstatat(dir, name, &dst, AT_SYMLINK_NOFOLLOW) == 0 && dst.st_dev == sst.st_dev && dst.st_ino == sst.st_ino) {
    int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) { strerr_warnwu2sys("open ", path); return -1; }
    int r = setup_fown(fd, path, S_IFREG, uid, gid, mode);
    close(fd);
    return r < 0 ? -1 : 1;
  }
  if ((size_t)snprintf(tmp, sizeof tmp, ".%s.tmp", name) >= sizeof tmp) return -1;
  from = open(src, O_RDONLY | O_CLOEXEC);
  if (from < 0) { strerr_warnwu2sys("open ", src); return -1; }
  unlinkat(dir, tmp, 0);
  to = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0700);
  if (to < 0) { strerr_warnwu3sys("create ", path, ".tmp"); close(from); return -1; }
  if (copy_fd(from, to) < 0 || fsync(to) < 0) {
    strerr_warnwu3sys("copy ", src, " to its temporary name");
    close(from); close(to); unlinkat(dir, tmp, 0);
    return -1;
  }
  close(from);
  int r = setup_fown(to, path, S_IFREG, uid, gid, mode);
  close(to);
  if (r < 0 || renameat(dir, tmp, dir, name) < 0) {
    if (!r) strerr_warnwu2sys("install ", path);
    unlinkat(dir, tmp, 0);
    return -1;
  }
  return 1;
}

static int split_dirs(int dir, char const *path, uid_t uid, gid_t gid, mode_t mode)
{
  for (unsigned i = 0; i < CONF_SPLIT; i++) {
    char name[16], sub[PATH_MAX + 16];
    snprintf(name, sizeof name, "%u", i);
    if ((size_t)snprintf(sub, sizeof sub, "%s/%u", path, i) >= sizeof sub) return -1;
    int fd = setup_at_dir(dir, name, sub, uid, gid, mode);
    if (fd < 0) return -1;
    close(fd);
  }
  return 0;
}

static int apply_at(setup const *s, inst_entry const *e, int dir, char const *name, char const *path)
{
  uid_t uid = inst_uid(e, &s->r);
  gid_t gid = inst_gid(e, &s->r);
  mode_t mode = inst_mode(e, &s->r);
  switch (e->type) {
    case INST_FIFO: return setup_at_fifo(dir, name, path, uid, gid, mode);
    case INST_FILE: return setup_at_file(dir, name, path, e->content, uid, gid, mode);
    case INST_PROG: {
      int r = install_prog(s, dir, name, path, uid, gid, mode);
      if (!r) strerr_warnw3x("program ", path, " is not built yet: not installed");
      return r < 0 ? -1 : 0;
    }
    case INST_DIR:
    case INST_SPLITDIR: {
      int fd = setup_at_dir(dir, name, path, uid, gid, mode);
      if (fd < 0) return -1;
      int r = e->type == INST_SPLITDIR ? split_dirs(fd, path, uid, gid, mode) : 0;
      /* a log folder: the files an older, looser instance left readable */
      if (!strncmp(e->path, "log/", 4)) r |= setup_tighten(fd, path);
      close(fd);
      return r;
    }
  }
  return -1;
}

static int apply_one(setup const *s, int home, inst_entry const *e)
{
  char path[PATH_MAX];
  char const *name;
  if (setup_path(path, sizeof path, s->home, e->path) < 0) return -1;
  if (!*e->path)
    return setup_fown(home, path, S_IFDIR, inst_uid(e, &s->r), inst_gid(e, &s->r), inst_mode(e, &s->r));
  int dir = setup_walk(home, e->path, &name);
  if (dir < 0) { strerr_warnwu3sys("reach ", path, " (a folder on the way is missing or not a folder)"); return -1; }
  int r = apply_at(s, e, dir, name, path);
  close(dir);
  return r;
}

int setup_apply(setup const *s)
{
  int ok = 0;
  int home = setup_open_home(s->home);
  if (home < 0) return -1;
  for (unsigned i = 0; i < inst_table_len; i++)
    if (apply_one(s, home, &inst_table[i]) < 0) ok = -1;
  close(home);
  return ok;
}
