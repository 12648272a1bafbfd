/* run: one local delivery from start to end. See local.h.
 *
 * Home checks, the loop checks, the dot-qmail cascade (or the default
 * delivery), each instruction, the forwards, the result. Every step
 * returns; the result is in the context for local_main to write. */
#include "posta-local/local.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/control.h"
#include "common/slurp.h"
#include "sk/dotqmail.h"
#include "posta-local/forward.h"
#include "posta-local/instr.h"
#include "posta-local/loopcheck.h"
#include "posta-local/msg.h"
#include "posta-local/result.h"

static int cat_clean(stralloc *sa, char const *s, char const *bad, char with)
{
  for (; *s; s++) {
    char ch = ((unsigned char)*s < 0x20 || *s == 0x7f || strchr(bad, *s)) ? with : *s;
    if (!stralloc_append(sa, ch)) return 0;
  }
  return 1;
}

/* asctime's form, in UTC, without strftime (which would read the zone) */
static void fromdate(char *buf, size_t size)
{
  static char const days[] = "SunMonTueWedThuFriSat";
  static char const months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  time_t now = time(0);
  struct tm tm;
  gmtime_r(&now, &tm);
  snprintf(buf, size, "%.3s %.3s %2d %02d:%02d:%02d %d", days + 3 * tm.tm_wday, months + 3 * tm.tm_mon,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
}

uint64_t local_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* control/timeoutlocal of the instance: one limit for all the programs of
 * this delivery, counted from its start */
static int deadline(local_ctx *c)
{
  char fn[PATH_MAX];
  char const *h = getenv("POSTA_HOME");
  c->timeout = LOCAL_TIMEOUT_DEFAULT;
  if (h && *h) {
    snprintf(fn, sizeof fn, "%s/control/timeoutlocal", h);
    if (control_ulong(fn, &c->timeout, LOCAL_TIMEOUT_DEFAULT) < 0)
      return result_setsys(&c->res, 111, "4.3.0", "unable to read ", fn);
  }
  if (c->timeout > 100UL * 365 * 86400) c->timeout = 100UL * 365 * 86400;
  c->deadline = c->timeout ? local_now_ms() + (uint64_t)c->timeout * 1000 : 0;
  return 0;
}

int local_init(local_ctx *c)
{
  char date[64];
  if (deadline(c) < 0) return -1;
  fromdate(date, sizeof date);
  if (!cat_clean(&c->rcpt, c->local, "", '_') || !stralloc_append(&c->rcpt, '@')
      || !cat_clean(&c->rcpt, c->domain, "", '_') || !stralloc_0(&c->rcpt)
      || !stralloc_cats(&c->dtline, "Delivered-To: ") || !stralloc_catb(&c->dtline, c->rcpt.s, c->rcpt.len - 1)
      || !stralloc_append(&c->dtline, '\n')
      || !stralloc_cats(&c->rpline, "Return-Path: <") || !cat_clean(&c->rpline, c->sender, "", '_')
      || !stralloc_cats(&c->rpline, ">\n")
      || !stralloc_cats(&c->ufline, "From ") || !cat_clean(&c->ufline, c->sender[0] ? c->sender : "MAILER-DAEMON", " \t", '-')
      || !stralloc_append(&c->ufline, ' ') || !stralloc_cats(&c->ufline, date) || !stralloc_append(&c->ufline, '\n'))
    return result_setsys(&c->res, 111, "4.3.0", "unable to build the header lines");
  return 0;
}

static int checks(local_ctx *c)
{
  local_result *res = &c->res;
  struct stat st;
  loopcheck l;
  if (chdir(c->home) < 0) return result_setsys(res, 111, "4.3.0", "unable to switch to ", c->home);
  if (stat(".", &st) < 0) return result_setsys(res, 111, "4.3.0", "unable to stat ", c->home);
  if (st.st_mode & S_ISVTX)
    return result_set(res, 111, "4.2.1", "home directory is sticky: user is editing his .qmail file");
  /* another user could put a .qmail file there and have it obeyed as the
   * mailbox owner (qmail-local's "home directory is writable") */
  if (st.st_mode & 022)
    return result_set(res, 111, "4.7.0", "Uh-oh: home directory ", c->home, " is writable by group or others");
  if (fstat(0, &c->msg) < 0 || msg_rewind() < 0) return result_setsys(res, 111, "4.3.0", "unable to seek the message");
  loopcheck_start(&l, c->dtline.s, c->dtline.len);
  if (msg_loopcheck(&l) < 0) return result_setsys(res, 111, "4.3.0", "unable to read the message");
  if (l.mine) return result_set(res, 100, 0, "This message is looping: it already has my Delivered-To line. (#5.4.6)");
  if (l.hops > LOOPCHECK_HOPS_MAX)
    return result_set(res, 100, 0,
                      "This message is looping: it has more than 100 Received and Delivered-To lines. (#5.4.6)");
  return 0;
}

/* A dot-qmail file is obeyed only when nobody but its owner can write it
 * and its owner is the mailbox owner (or root): else another user could
 * run programs as the mailbox owner. A temporary failure, as in qmail.
 * It must also be a regular file of at most LOCAL_DOTQMAIL_MAX bytes. */
static int trusted(local_result *res, struct stat const *st, char const *fn)
{
  char num[32];
  if (st->st_mode & 022) return result_set(res, 111, "4.7.0", "Uh-oh: ", fn, " is group or world writable");
  if (st->st_uid != getuid() && st->st_uid != 0) {
    snprintf(num, sizeof num, "%lu", (unsigned long)st->st_uid);
    return result_set(res, 111, "4.7.0", "Uh-oh: ", fn, " belongs to uid ", num, ", not to the mailbox owner");
  }
  if (!S_ISREG(st->st_mode)) return result_set(res, 111, "4.7.0", "Uh-oh: ", fn, " is not a regular file");
  if (st->st_size > LOCAL_DOTQMAIL_MAX) return result_set(res, 111, "4.3.0", fn, " is too large");
  return 0;
}

/* One file of the cascade, open as fd: 1 and its text when it is not
 * empty, 0 when it is (the default delivery applies), -1 when it cannot
 * be obeyed. Closes fd. */
static int take(local_ctx *c, int fd, char const *fn, char **text, size_t *len)
{
  struct stat st;
  int r = 1;
  if (fstat(fd, &st) < 0) r = result_setsys(&c->res, 111, "4.3.0", "unable to stat ", fn);
  else if (trusted(&c->res, &st, fn) < 0) r = -1;
  else if (!st.st_size) { c->dflt = -1; r = 0; }
  else if (slurp_fd(fd, LOCAL_DOTQMAIL_MAX, text, len) < 0) r = result_setsys(&c->res, 111, "4.3.0", "unable to read ", fn);
  else r = 1;
  close(fd);
  if (r == 1 && *len && (*text)[0] == '\n') {
    free(*text);
    return result_set(&c->res, 111, "4.2.1", "Uh-oh: first line of ", fn, " is blank");
  }
  return r;
}

/* 1 and the file's text when the cascade has a non-empty file, 0 when the
 * default delivery applies, -1 when there is no mailbox or a file cannot
 * be read or obeyed. */
static int find(local_ctx *c, char **text, size_t *len)
{
  dotqmail_iter it;
  char fn[PATH_MAX];
  int r;
  dotqmail_start(&it, c->dash, c->ext);
  while ((r = dotqmail_next(&it, fn, sizeof fn, &c->dflt)) == 1) {
    int fd = open(fn, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);   /* a FIFO cannot hold it */
    if (fd >= 0) return take(c, fd, fn, text, len);
    if (errno != ENOENT) return result_setsys(&c->res, 111, "4.3.0", "unable to open ", fn);
  }
  if (r < 0) return result_set(&c->res, 100, "5.1.1", "address extension too long");
  if (c->dash[0]) return result_set(&c->res, 100, 0, "Sorry, no mailbox here by that name. (#5.1.1)");
  c->dflt = -1;
  return 0;
}

/* The instructions to run: the dot-qmail file's, else the default
 * delivery; text[len] is writable. 0, or -1. */
static int instructions(local_ctx *c, char **text, size_t *len)
{
  int r = find(c, text, len);
  if (r < 0) return -1;
  if (!r) {
    *len = strlen(c->defaultdelivery);
    if (!(*text = malloc(*len + 1)))
      return result_setsys(&c->res, 111, "4.3.0", "unable to read the default delivery");
    memcpy(*text, c->defaultdelivery, *len + 1);
  }
  return 0;
}

int local_run(local_ctx *c)
{
  char *text;
  size_t len;
  char done[200];
  if (checks(c) < 0 || instructions(c, &text, &len) < 0) return c->res.code;
  if (c->maildir_only && !instr_maildir_only(text, len)) {
    free(text);
    result_set(&c->res, LOCAL_ELSEWHERE, 0, "not a Maildir-only delivery");
    return c->res.code;
  }
  int stop = instr_run(c, text, len);
  free(text);
  if (stop < 0 || forward_run(c) < 0) return c->res.code;
  snprintf(done, sizeof done, "delivered: %u maildir, %u mbox, %u program, %u forward", c->nmaildir, c->nmbox,
           c->nprogram, c->nfwd);
  result_set(&c->res, stop ? 99 : 0, 0, done);
  return c->res.code;
}
