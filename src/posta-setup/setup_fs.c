/* setup_fs: posta-setup's file-system primitives, on descriptors.
 *
 * posta-setup runs as root over folders that other uids own (posta-q owns
 * queue/lock, posta-s queue/info, posta-alias alias/...): any of them can
 * swap an entry for a symbolic link or a hard link between a look and a
 * change. So an entry is never changed by its path: it is reached from the
 * instance's home one component at a time, each opened with O_NOFOLLOW
 * relative to its parent's descriptor, checked with fstat (its type; a
 * non-folder with one link only), and changed through its own descriptor
 * (fchownat on the O_PATH descriptor, chmod through /proc/self/fd/N, which
 * names that inode and no other). Creation never follows a link either
 * (mkdirat, mkfifoat, O_CREAT|O_EXCL). Each function returns a descriptor
 * or 0, or -1 after a warning that names the path. */
#include "posta-setup/setup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/durable.h"

#define PATHFLAGS (O_PATH | O_NOFOLLOW | O_CLOEXEC)

int setup_open_home(char const *home)
{
  int fd = open(home, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) strerr_warnwu2sys("open ", home);
  return fd;
}

int setup_walk(int home, char const *rel, char const **last)
{
  char comp[256];
  int fd = dup(home);
  if (fd < 0) return -1;
  for (;;) {
    char const *slash = strchr(rel, '/');
    if (!slash) break;
    size_t n = (size_t)(slash - rel);
    if (!n || n >= sizeof comp) { close(fd); errno = EINVAL; return -1; }
    memcpy(comp, rel, n);
    comp[n] = 0;
    int next = openat(fd, comp, PATHFLAGS | O_DIRECTORY);
    close(fd);
    if (next < 0) return -1;
    fd = next;
    rel = slash + 1;
  }
  *last = rel;
  return fd;
}

static char const *tname(mode_t m)
{
  return S_ISDIR(m) ? "a folder" : S_ISFIFO(m) ? "a named pipe" : S_ISREG(m) ? "a file" : "something else";
}

int setup_fown(int fd, char const *path, mode_t type, uid_t uid, gid_t gid, mode_t mode)
{
  struct stat st;
  char proc[64];
  if (fstat(fd, &st) < 0) { strerr_warnwu2sys("stat ", path); return -1; }
  if ((st.st_mode & S_IFMT) != type) {
    strerr_warnw4x(path, " is not ", tname(type), ": left alone");
    return -1;
  }
  /* a second name would be a hard link an owner of the folder made to a
   * file of someone else's: never give that file away */
  if (type != S_IFDIR && st.st_nlink != 1) {
    strerr_warnw2x(path, " has more than one link: left alone");
    return -1;
  }
  /* chown before chmod: chown clears the setuid bit */
  if ((st.st_uid != uid || st.st_gid != gid) && fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0) {
    strerr_warnwu2sys("chown ", path);
    return -1;
  }
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  if (chmod(proc, mode) < 0) {
    strerr_warnwu2sys("chmod ", path);
    return -1;
  }
  return 0;
}

int setup_own(char const *path, uid_t uid, gid_t gid, mode_t mode)
{
  struct stat st;
  int fd = open(path, PATHFLAGS);
  if (fd < 0) { strerr_warnwu2sys("open ", path); return -1; }
  if (fstat(fd, &st) < 0) { strerr_warnwu2sys("stat ", path); close(fd); return -1; }
  int r = S_ISLNK(st.st_mode) ? (strerr_warnw2x(path, " is a symbolic link: left alone"), -1)
                              : setup_fown(fd, path, st.st_mode & S_IFMT, uid, gid, mode);
  close(fd);
  return r;
}

/* The entry name in dir as type (a folder or a named pipe), made when
 * missing, owned and moded: its O_PATH descriptor, or -1. */
static int at_make(int dir, char const *name, char const *path, mode_t type, uid_t uid, gid_t gid, mode_t mode)
{
  int fd = openat(dir, name, PATHFLAGS);
  if (fd < 0) {
    int dirs = type == S_IFDIR;
    if (errno != ENOENT) { strerr_warnwu2sys("open ", path); return -1; }
    if ((dirs ? mkdirat(dir, name, 0700) : mkfifoat(dir, name, 0600)) < 0) {
      strerr_warnwu3sys(dirs ? "mkdir" : "mkfifo", " ", path);
      return -1;
    }
    fd = openat(dir, name, PATHFLAGS);
    if (fd < 0) { strerr_warnwu2sys("open ", path); return -1; }
  }
  if (setup_fown(fd, path, type, uid, gid, mode) < 0) { close(fd); return -1; }
  return fd;
}

int setup_at_dir(int dir, char const *name, char const *path, uid_t uid, gid_t gid, mode_t mode)
{
  return at_make(dir, name, path, S_IFDIR, uid, gid, mode);
}

int setup_at_fifo(int dir, char const *name, char const *path, uid_t uid, gid_t gid, mode_t mode)
{
  int fd = at_make(dir, name, path, S_IFIFO, uid, gid, mode);
  if (fd < 0) return -1;
  close(fd);
  return 0;
}

int setup_at_file(int dir, char const *name, char const *path, char const *content,
                  uid_t uid, gid_t gid, mode_t mode)
{
  int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0) {
    if ((content && durable_write_all(fd, content, strlen(content)) < 0) || fsync(fd) < 0) {
      strerr_warnwu2sys("write ", path);
      close(fd);
      unlinkat(dir, name, 0);
      return -1;
    }
  } else {
    if (errno != EEXIST) { strerr_warnwu2sys("create ", path); return -1; }
    fd = openat(dir, name, PATHFLAGS);
    if (fd < 0) { strerr_warnwu2sys("open ", path); return -1; }
  }
  int r = setup_fown(fd, path, S_IFREG, uid, gid, mode);
  close(fd);
  return r;
}

int setup_write_new(char const *path, char const *content, uid_t uid, gid_t gid, mode_t mode)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return 0;
    strerr_warnwu2sys("create ", path);
    return -1;
  }
  if ((content && durable_write_all(fd, content, strlen(content)) < 0) || fsync(fd) < 0) {
    strerr_warnwu2sys("write ", path);
    close(fd);
    unlink(path);
    return -1;
  }
  int r = setup_fown(fd, path, S_IFREG, uid, gid, mode);
  close(fd);
  return r;
}

/* one entry of setup_tighten: a regular file with one link, never a link */
static int tighten_one(int dir, char const *name)
{
  struct stat st;
  char proc[64];
  int r = 0;
  int fd = openat(dir, name, PATHFLAGS);
  if (fd < 0) return errno == ENOENT ? 0 : -1;
  if (fstat(fd, &st) < 0) r = -1;
  else if (S_ISREG(st.st_mode) && st.st_nlink == 1 && (st.st_mode & 077)) {
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    r = chmod(proc, st.st_mode & 0700);
  }
  close(fd);
  return r;
}

int setup_tighten(int dir, char const *path)
{
  int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dp = fd < 0 ? 0 : fdopendir(fd);
  int ok = 0;
  if (!dp) {
    strerr_warnwu2sys("open ", path);
    if (fd >= 0) close(fd);
    return -1;
  }
  for (;;) {
    errno = 0;
    struct dirent *d = readdir(dp);
    if (!d) break;
    if (d->d_name[0] == '.' && (!d->d_name[1] || (d->d_name[1] == '.' && !d->d_name[2]))) continue;
    if (tighten_one(fd, d->d_name) < 0) { strerr_warnwu4sys("chmod ", path, "/", d->d_name); ok = -1; }
  }
  if (errno) { strerr_warnwu2sys("read ", path); ok = -1; }
  closedir(dp);
  return ok;
}
