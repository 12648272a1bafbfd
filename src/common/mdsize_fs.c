/* mdsize_fs: the maildirsize file on disk: load, recalculate, append.
 * See mdsize.h. Opens with O_NOFOLLOW; libc only; never exits. */
#include "common/mdsize.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/durable.h"

#define SUM_MAX (INT64_MAX / 4)

/* v octets added to m's usage, saturating where the parser stops
 * believing a sum: a file name's ",S=" is its owner's to choose */
static void add_bytes(mdsize *m, uint64_t v)
{
  m->bytes = v >= (uint64_t)(SUM_MAX - m->bytes) ? SUM_MAX : m->bytes + (int64_t)v;
}

/* the messages of one folder (new/ or cur/) added to m */
static int scan_one(char const *path, mdsize *m)
{
  DIR *d = opendir(path);
  struct dirent *e;
  if (!d) return errno == ENOENT ? 0 : -1;
  while ((e = readdir(d))) {
    struct stat st;
    char const *sz;
    if (e->d_name[0] == '.') continue;
    sz = strstr(e->d_name, ",S=");
    if (sz && sz[3] >= '0' && sz[3] <= '9') add_bytes(m, strtoull(sz + 3, 0, 10));
    else if (!fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) && S_ISREG(st.st_mode)) add_bytes(m, (uint64_t)st.st_size);
    else continue;
    m->count++;
  }
  closedir(d);
  return 0;
}

static int scan_folder(char const *dir, char const *folder, mdsize *m)
{
  char p[PATH_MAX];
  static char const *const sub[] = { "new", "cur" };
  for (unsigned i = 0; i < 2; i++) {
    if ((size_t)snprintf(p, sizeof p, "%s%s%s", dir, folder, sub[i]) >= sizeof p) return -1;
    if (scan_one(p, m) < 0) return -1;
  }
  return 0;
}

int mdsize_fs_scan(char const *dir, mdsize *m)
{
  char p[PATH_MAX];
  DIR *d;
  struct dirent *e;
  m->bytes = m->count = 0;
  if (scan_folder(dir, "", m) < 0 || !(d = opendir(dir))) return -1;
  while ((e = readdir(d))) {
    if (e->d_name[0] != '.' || !e->d_name[1] || !strcmp(e->d_name, "..")) continue;
    if ((size_t)snprintf(p, sizeof p, "%s/", e->d_name) >= sizeof p) continue;
    if (scan_folder(dir, p, m) < 0 && errno != ENOTDIR) {
      closedir(d);
      return -1;
    }
  }
  closedir(d);
  return 0;
}

int mdsize_fs_write(char const *dir, mdsize const *m, mode_t mode)
{
  char path[PATH_MAX], tmp[PATH_MAX], text[MDSIZE_DEF_MAX + 64];
  size_t n = mdsize_fmtdef(text, m);
  n += (size_t)snprintf(text + n, sizeof text - n, "\n%lld %lld\n", (long long)m->bytes, (long long)m->count);
  if ((size_t)snprintf(path, sizeof path, "%smaildirsize", dir) >= sizeof path
      || (size_t)snprintf(tmp, sizeof tmp, "%smaildirsize.%lu.tmp", dir, (unsigned long)getpid()) >= sizeof tmp) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return durable_replace(path, tmp, text, n, mode);
}

/* 1 and the text (at most MDSIZE_MAX + 1 octets), 0 absent, -1 error */
static int readfile(char const *dir, char *buf, size_t *len, struct stat *st)
{
  char path[PATH_MAX];
  ssize_t k;
  if ((size_t)snprintf(path, sizeof path, "%smaildirsize", dir) >= sizeof path) return 0;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return errno == ENOENT || errno == ELOOP ? 0 : -1;
  if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) { close(fd); return 0; }
  *len = 0;
  while (*len <= MDSIZE_MAX && (k = read(fd, buf + *len, MDSIZE_MAX + 1 - *len)) != 0) {
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) { int e = errno; close(fd); errno = e; return -1; }
    *len += (size_t)k;
  }
  close(fd);
  return 1;
}

int mdsize_fs_load(char const *dir, mdsize *m, uint64_t need, int fix)
{
  char buf[MDSIZE_MAX + 1];
  size_t len;
  struct stat st;
  int r = readfile(dir, buf, &len, &st);
  if (r <= 0) return r;
  r = mdsize_parse(buf, len, m);
  if (!r) return 0;
  int stale = r == 2 || len > MDSIZE_MAX
              || (mdsize_over(m, need, 1) && time(0) - st.st_mtim.tv_sec > MDSIZE_STALE);
  if (!stale) return 1;
  if (!fix) return 2;
  if (mdsize_fs_scan(dir, m) < 0 || mdsize_fs_write(dir, m, st.st_mode & 0644) < 0) return -1;
  return 1;
}

int mdsize_fs_add(char const *dir, uint64_t bytes)
{
  char path[PATH_MAX], line[64];
  int n = snprintf(line, sizeof line, "%llu 1\n", (unsigned long long)bytes);
  if ((size_t)snprintf(path, sizeof path, "%smaildirsize", dir) >= sizeof path) return 0;
  int fd = open(path, O_WRONLY | O_APPEND | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return errno == ENOENT ? 0 : -1;
  ssize_t k = write(fd, line, (size_t)n);
  int e = errno;
  close(fd);
  errno = e;
  return k == n ? 0 : -1;
}
