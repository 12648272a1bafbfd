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

int qmark_state(uint64_t id, enum qmark_state *st)
{
  char path[QPATH_MAX];
  char *buf;
  size_t len;
  struct stat sb;
  int h, x;
  qpath(path, "info", id);
  if (rec_slurp(path, 1 << 20, &buf, &len) == 0) {
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
  if (rec_slurp(path, 4096, &buf, &len) < 0) return 0;
  int r = cmdrec_parse(&c, buf, len);
  free(buf);
  return r < 0 ? 0 : c.op;
}

int qmark_request(uint64_t id, char op, roles const *r)
{
  char path[CMDREC_PATH_MAX], tmp[CMDREC_PATH_MAX + 32];
  rec_buf b = REC_BUF_ZERO;
  cmdrec c = { op, (uint64_t)time(0), (uint64_t)getuid() };
  if (op != CMDREC_REMOVE && waiting(id) == CMDREC_REMOVE) return 0;
  if (cmdrec_build(&b, &c) < 0) { rec_free(&b); return -1; }
  cmdrec_path(path, id);
  /* not a number: posta-send never takes it for a request */
  snprintf(tmp, sizeof tmp, CMDREC_DIR "/tmp.%lld.%llu", (long long)getpid(), (unsigned long long)id);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  int ok = fd >= 0 && durable_write_all(fd, b.s, b.len) == 0
        && (geteuid() || fchown(fd, r->uid[ROLE_S], r->gid[ROLE_S]) == 0)
        && fsync(fd) == 0;
  int e = errno;
  rec_free(&b);
  if (fd >= 0 && close(fd) < 0 && ok) { ok = 0; e = errno; }
  if (ok && rename(tmp, path) < 0) { ok = 0; e = errno; }
  if (!ok) { unlink(tmp); errno = e; return -1; }
  return durable_fsync_dir(CMDREC_DIR) < 0 ? -1 : 1;
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
  char byte = CMDREC_BYTE;
  struct stat st;
  int fd = open("queue/lock/trigger", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return errno == ENXIO ? 0 : -1;
  int r = fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) ? (int)write(fd, &byte, 1) : (errno = EINVAL, -1);
  int e = errno;
  close(fd);
  errno = e;
  return r == 1 ? 1 : -1;
}
