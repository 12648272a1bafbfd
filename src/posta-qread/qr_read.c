/* qr_read: one message's records, read whole (src/common/rec.c), turned
 * into its block. The queue changes while posta-qread reads it: a file
 * that is gone means the message moved on, and it is read again in its new
 * state, or skipped when it has left the queue. A record that is a link, a
 * FIFO or anything but a regular file (posta-q owns queue/ and may put one
 * there) is never opened through nor read: a warning names it and it reads
 * as empty, an unreadable record. Never writes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <skalibs/strerr.h>

#include "common/cmdrec.h"
#include "common/qpath.h"
#include "posta-qread/qr.h"
#include "sk/qscan.h"

/* Records are small; a recipients record of 100000 recipients is the
 * largest, a few hundred bytes each. */
#define QR_RECMAX (256u << 20)

/* The record of KIND for id: 1 read, 0 absent, -1 error. */
static int slurp(char const *kind, uint64_t id, char **buf, size_t *len)
{
  char fn[QPATH_MAX];
  *buf = 0;
  *len = 0;
  if (!qpath(fn, kind, id)) { errno = ENAMETOOLONG; return -1; }
  if (qscan_slurp(fn, QR_RECMAX, buf, len) == 0) return 1;
  if (errno != EPROTO) return errno == ENOENT ? 0 : -1;
  strerr_warnw2x("not a regular file, not read: ", fn);
  if (!(*buf = malloc(1))) return -1;
  **buf = 0;
  return 1;
}

static int unreadable(stralloc *out, uint64_t id, char const *what)
{
  char line[128];
  int n = snprintf(line, sizeof line, "message %llu\n  unreadable %s record\n\n", (unsigned long long)id, what);
  return stralloc_catb(out, line, (size_t)n) ? 0 : -1;
}

static int exists(char const *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

/* What waits for the message besides its recipients: notices in
 * queue/bounce and queue/delay, an operator's request in queue/cmd. Added
 * at the end of the block that ends out. */
static int waiting(stralloc *out, uint64_t id)
{
  static struct { char op; char const *what; } const ops[] = {
    { CMDREC_HOLD, "hold" }, { CMDREC_RELEASE, "release" }, { CMDREC_REMOVE, "remove" }, { CMDREC_FLUSH, "flush" },
  };
  char path[QPATH_MAX], *buf;
  size_t len, old = out->len;
  int ok = 1;
  cmdrec c;
  out->len--;   /* the empty line that ends the block */
  qpath(path, "bounce", id);
  if (exists(path)) ok = stralloc_cats(out, "  failure notice waiting to be sent\n");
  qpath(path, "delay", id);
  if (ok && exists(path)) ok = stralloc_cats(out, "  delay notice waiting to be sent\n");
  cmdrec_path(path, id);
  if (ok && qscan_slurp(path, 4096, &buf, &len) == 0) {
    if (cmdrec_parse(&c, buf, len) == 0)
      for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (ops[i].op == c.op)
          ok = stralloc_cats(out, "  request waiting for posta-send: ") && stralloc_cats(out, ops[i].what)
            && stralloc_cats(out, "\n");
    free(buf);
  }
  if (ok && stralloc_cats(out, "\n")) return 0;
  out->len = old;
  return -1;
}

static int preprocessed(stralloc *out, uint64_t id, char *info, size_t ilen)
{
  char *l, *r;
  size_t ll, rl;
  int hl = slurp("local", id, &l, &ll), hr = slurp("remote", id, &r, &rl);
  int ret = 0;
  if (hl < 0 || hr < 0) ret = -1;
  else if (qr_format_info(out, id, info, ilen, hl ? l : 0, ll, hr ? r : 0, rl) < 0)
    ret = errno == EPROTO || errno == ENOTSUP ? unreadable(out, id, "info, local or remote") : -1;
  else ret = waiting(out, id);
  free(l);
  free(r);
  return ret;
}

int qr_message(stralloc *out, uint64_t id)
{
  char fn[QPATH_MAX], *buf;
  size_t len;
  struct stat st;
  int r;
  /* info first: todo and info may both exist, and info is the later state */
  for (int tries = 0; tries < 3; tries++) {
    if ((r = slurp("info", id, &buf, &len)) < 0) return -1;
    if (r) {
      r = preprocessed(out, id, buf, len);
      free(buf);
      return r;
    }
    if ((r = slurp("todo", id, &buf, &len)) < 0) return -1;
    if (!r) {
      /* no todo: being injected, done, or just preprocessed */
      if (!qpath(fn, "info", id) || stat(fn, &st) < 0) return 0;
      continue;
    }
    qpath(fn, "mess", id);
    r = stat(fn, &st) < 0 ? -1 : qr_format_todo(out, id, (uint64_t)st.st_size, buf, len);
    free(buf);
    if (r < 0 && errno == ENOENT) return 0;
    if (r < 0) return errno == EPROTO || errno == ENOTSUP ? unreadable(out, id, "todo") : -1;
    return waiting(out, id);
  }
  return 0;
}

int qr_exists(uint64_t id)
{
  char fn[QPATH_MAX];
  struct stat st;
  qpath(fn, "mess", id);
  if (stat(fn, &st) == 0) return 1;
  return errno == ENOENT ? 0 : -1;
}
