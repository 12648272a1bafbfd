/* bounce_read: what the notice is made of. The record (bounce or delay,
 * version 1, doc/queue.md) gives the original sender (F), the arrival time
 * (t), the kind of notice (k: f or d; only d in a delay record), and per
 * recipient its address (A), maybe the address as injected (O), and the
 * last RESULT line (e); the info record fills in F and t when
 * the record lacks them; the message file gives the original's first
 * bytes (control/bouncemaxbytes, or 64 KiB when that is less). For a
 * record that is not one, of another version, without recipients or with
 * an unreadable time, bounce_parse logs the fatal line and returns 100
 * (posta-send keeps it aside); for a read error, 111: bounce_run ends the
 * process. A missing message is not an error: the notice says so. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/rec.h"
#include "common/slurp.h"
#include "posta-bounce/bounce.h"

#define INFO_MAX 65536

/* posta-bounce's fatal line, without dying: the exit code e for the
 * caller to return */
#define fatal(e, ...) (strerr_warn(PROG, ": fatal: ", __VA_ARGS__), (e))
#define fatalsys(e, ...) (strerr_warnsys(PROG, ": fatal: unable to ", __VA_ARGS__), (e))

static int parse_time(bounce *b, char const *s)
{
  int64_t v = 0;
  if (!*s) return fatal(100, b->path, ": empty arrival time");
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10) return fatal(100, b->path, ": bad arrival time");
    v = v * 10 + (*s - '0');
  }
  b->arrival = v;
  return 0;
}

/* F and t from the info record, for a record that lacks them */
static int from_info(bounce *b, char const **sender, char const **arrival)
{
  char fn[QPATH_MAX];
  size_t len;
  char const *f;
  rec r;
  if (!qpath(fn, "info", b->id)) return fatal(100, "message id too long");
  if (slurp_path(fn, 0, INFO_MAX, &b->info, &len) < 0) {
    if (errno == ENOENT || errno == EFBIG)
      return fatal(100, b->path, ": no sender or arrival time, and ", fn, " cannot tell them");
    return fatalsys(111, "read ", fn);
  }
  if (rec_parse(&r, b->info, len, "info", 1) < 0) return fatal(100, fn, ": ", "not an info record of version 1");
  while ((f = rec_next(&r, 0))) {
    if (f[0] == 'F' && !*sender) *sender = f + 1;
    else if (f[0] == 't' && !*arrival) *arrival = f + 1;
  }
  if (!*sender || !*arrival) return fatal(100, fn, ": no sender or arrival time");
  return 0;
}

/* k: f or d in a bounce record (a posta-send may keep delay notices
 * there), d in a delay record */
static int kind(bounce *b, char const *k)
{
  if (!strcmp(k, "d")) b->kind = DSN_DELAYED;
  else if (strcmp(k, "f") || !strcmp(b->rkind, "delay"))
    return fatal(100, b->path, ": a record of another kind of notice: k ", k);
  return 0;
}

static size_t count_rcpts(rec r)
{
  size_t n = 0;
  char const *f;
  while ((f = rec_next(&r, 0)))
    if (f[0] == 'A') n++;
  return n;
}

int bounce_parse(bounce *b)
{
  rec r;
  char const *f, *sender = 0, *arrival = 0;
  dsn_rcpt *cur = 0;
  if (rec_parse(&r, b->rec, b->reclen, b->rkind, 1) < 0)
    return fatal(100, b->path, ": not a ", b->rkind, " record of version 1");
  b->nrcpt = count_rcpts(r);
  if (!b->nrcpt) return fatal(100, b->path, ": no recipient");
  b->rcpt = calloc(b->nrcpt, sizeof *b->rcpt);
  if (!b->rcpt) return fatalsys(111, "read ", b->path);
  while ((f = rec_next(&r, 0))) {
    switch (f[0]) {
      case 'F': if (!sender) sender = f + 1; break;
      case 't': if (!arrival) arrival = f + 1; break;
      case 'k': if (kind(b, f + 1)) return 100; break;
      case 'A':
        cur = cur ? cur + 1 : b->rcpt;
        cur->addr = f + 1;
        cur->result = "";
        break;
      case 'O': if (cur) cur->orig = f + 1; break;
      case 'e': if (cur) cur->result = f + 1; break;
      default: break;  /* a field a later writer added: not ours */
    }
  }
  if (!sender || !arrival) {
    int e = from_info(b, &sender, &arrival);
    if (e) return e;
  }
  b->sender = sender;
  return parse_time(b, arrival);
}

void bounce_message(bounce *b)
{
  char fn[QPATH_MAX];
  struct stat st;
  size_t want, got = 0;
  int fd;
  if (!qpath(fn, "mess", b->id)) strerr_dief1x(100, "message id too long");
  fd = open(fn, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno != ENOENT) strerr_diefu2sys(111, "open ", fn);
    strerr_warnw2x(fn, " is gone: the notice goes without it");
    return;
  }
  if (fstat(fd, &st) < 0) strerr_diefu2sys(111, "stat ", fn);
  b->msgsize = (uint64_t)st.st_size;
  /* the limit, but never less than BOUNCE_HEADERS_MIN: a header section
   * is returned even when the limit is tiny */
  want = b->limit > BOUNCE_HEADERS_MIN ? b->limit : BOUNCE_HEADERS_MIN;
  if (b->msgsize < want) want = (size_t)b->msgsize;
  b->msg = malloc(want + 1);
  if (!b->msg) strerr_diefu2sys(111, "read ", fn);
  while (got < want) {
    ssize_t r = read(fd, b->msg + got, want - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      strerr_diefu2sys(111, "read ", fn);
    }
    if (!r) break;
    got += (size_t)r;
  }
  close(fd);
  b->msglen = got;
  if (got < want) b->msgsize = got;  /* shorter than fstat said: it is what it is */
}
