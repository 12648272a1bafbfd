/* qmark: writing operators' requests and looking at their effect. See
 * qmark.h. */
#include "sk/qmark.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cmdrec.h"
#include "common/durable.h"
#include "common/qpath.h"
#include "common/rec.h"
#include "common/slurp.h"

/* h and x of an info record; the rest is posta-send's business. */
static int flags(char const *buf, size_t len, int *h, int *x)
{
  rec r;
  char const *f;
  size_t n;
  *h = *x = 0;
  if (rec_parse(&r, buf, len, "info", 1) < 0) return -1;
  while ((f = rec_next(&r, &n))) {
    if (f[0] == 'h') *h = f[1] == '1';
    if (f[0] == 'x') *x = f[1] == '1';
  }
  return 0;
}

/* A file of the queue, whole: never through a link, never blocking on a
 * FIFO, a regular file only (else EPROTO). */
static int slurp(char const *path, size_t max, char **buf, size_t *len)
{
  struct stat st;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno == ELOOP ? (errno = EPROTO, -1) : -1;
  int bad = fstat(fd, &st) < 0 ? errno : !S_ISREG(st.st_mode) ? EPROTO : 0;
  int r = bad ? (errno = bad, -1) : slurp_fd(fd, max, buf, len), e = errno;
  close(fd);
  errno = e;
  return r;
}

/* A folder of the queue (queue/SUB), opened without following a link at
 * either step; flags: O_PATH or O_RDONLY. */
static int qdir(char const *sub, int flags)
{
  int q = open("queue", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (q < 0) return -1;
  int fd = openat(q, sub, flags | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  int e = errno;
  close(q);
  errno = e;
  return fd;
}

int qmark_state(uint64_t id, enum qmark_state *st)
{
  char path[QPATH_MAX];
  char *buf;
  size_t len;
  struct stat sb;
  int h, x;
  qpath(path, "info", id);
  if (slurp(path, 1 << 20, &buf, &len) == 0) {
    int r = flags(buf, len, &h, &x);
    free(buf);
    if (r < 0) return -1;
    *st = x ? QMARK_REMOVING : h ? QMARK_HELD : QMARK_ACTIVE;
    return 0;
  }
  if (errno != ENOENT) return -1;
  qpath(path, "todo", id);
  if (stat(path, &sb) == 0) { *st = QMARK_TODO; return 0; }
  if (errno != ENOENT) return -1;
  /* info may have appeared between the two looks */
  qpath(path, "info", id);
  if (stat(path, &sb) == 0) return qmark_state(id, st);
  if (errno != ENOENT) return -1;
  *st = QMARK_GONE;
  return 0;
}

/* The op of the request waiting for id, 0 none. */
static char waiting(uint64_t id)
{
  char path[CMDREC_PATH_MAX];
  char *buf;
  size_t len;
  cmdrec c;
  cmdrec_path(path, id);
  if (slurp(path, 4096, &buf, &len) < 0) return 0;
  int r = cmdrec_parse(&c, buf, len);
  free(buf);
  return r < 0 ? 0 : c.op;
}

int qmark_request(uint64_t id, char op, roles const *r)
{
  char path[CMDREC_PATH_MAX], tmp[64];
  rec_buf b = REC_BUF_ZERO;
  cmdrec c = { op, (uint64_t)time(0), (uint64_t)getuid() };
  if (op != CMDREC_REMOVE && waiting(id) == CMDREC_REMOVE) return 0;
  if (cmdrec_build(&b, &c) < 0) { rec_free(&b); return -1; }
  cmdrec_path(path, id);
  char const *name = strrchr(path, '/') + 1;
  /* not a number: posta-send never takes it for a request */
  snprintf(tmp, sizeof tmp, "tmp.%lld.%llu", (long long)getpid(), (unsigned long long)id);
  int dir = qdir("cmd", O_RDONLY);
  if (dir < 0) { int e = errno; rec_free(&b); errno = e; return -1; }
  unlinkat(dir, tmp, 0);
  int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  int ok = fd >= 0 && durable_write_all(fd, b.s, b.len) == 0
        && (geteuid() || fchown(fd, r->uid[ROLE_S], r->gid[ROLE_S]) == 0)
        && fsync(fd) == 0;
  int e = errno;
  rec_free(&b);
  if (fd >= 0 && close(fd) < 0 && ok) { ok = 0; e = errno; }
  if (ok && renameat(dir, tmp, dir, name) < 0) { ok = 0; e = errno; }
  if (ok && fsync(dir) < 0) { ok = 0; e = errno; }
  if (!ok) unlinkat(dir, tmp, 0);
  close(dir);
  errno = e;
  return ok ? 1 : -1;
}

int qmark_pending(uint64_t id)
{
  char path[CMDREC_PATH_MAX];
  struct stat st;
  cmdrec_path(path, id);
  if (lstat(path, &st) == 0) return 1;
  return errno == ENOENT ? 0 : -1;
}

int qmark_poke(void)
{
  char byte = CMDREC_BYTE, proc[64];
  struct stat st;
  /* the trigger is looked at before it is opened for writing: a link or
   * anything but a FIFO is refused, and the FIFO is opened through the
   * descriptor that was looked at */
  int lock = qdir("lock", O_PATH);
  if (lock < 0) return -1;
  int at = openat(lock, "trigger", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  int e = errno;
  close(lock);
  if (at < 0) { errno = e == ELOOP ? EINVAL : e; return -1; }
  if (fstat(at, &st) < 0 || !S_ISFIFO(st.st_mode)) { close(at); errno = EINVAL; return -1; }
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", at);
  int fd = open(proc, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  e = errno;
  close(at);
  if (fd < 0) return e == ENXIO ? 0 : (errno = e, -1);
  int r = (int)write(fd, &byte, 1);
  e = errno;
  close(fd);
  errno = e;
  return r == 1 ? 1 : -1;
}
