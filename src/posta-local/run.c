/* run: one local delivery from start to end. See local.h.
 *
 * Home checks, the loop checks, the dot-qmail cascade (or the default
 * delivery), each instruction, the forwards, the result line. Exits 0 or
 * 99 delivered, 100 permanent failure, 111 temporary failure; never
 * returns. */
#include "posta-local/local.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/rec.h"
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

void local_init(local_ctx *c)
{
  char date[64];
  fromdate(date, sizeof date);
  if (!cat_clean(&c->rcpt, c->local, "", '_') || !stralloc_append(&c->rcpt, '@')
      || !cat_clean(&c->rcpt, c->domain, "", '_') || !stralloc_0(&c->rcpt)
      || !stralloc_cats(&c->dtline, "Delivered-To: ") || !stralloc_catb(&c->dtline, c->rcpt.s, c->rcpt.len - 1)
      || !stralloc_append(&c->dtline, '\n')
      || !stralloc_cats(&c->rpline, "Return-Path: <") || !cat_clean(&c->rpline, c->sender, "", '_')
      || !stralloc_cats(&c->rpline, ">\n")
      || !stralloc_cats(&c->ufline, "From ") || !cat_clean(&c->ufline, c->sender[0] ? c->sender : "MAILER-DAEMON", " \t", '-')
      || !stralloc_append(&c->ufline, ' ') || !stralloc_cats(&c->ufline, date) || !stralloc_append(&c->ufline, '\n'))
    result_exitsys(111, "4.3.0", "unable to build the header lines");
}

static void checks(local_ctx *c)
{
  struct stat st;
  loopcheck l;
  if (chdir(c->home) < 0) result_exitsys(111, "4.3.0", "unable to switch to ", c->home);
  if (stat(".", &st) < 0) result_exitsys(111, "4.3.0", "unable to stat ", c->home);
  if (st.st_mode & S_ISVTX) result_exit(111, "4.2.1", "home directory is sticky: user is editing his .qmail file");
  if (fstat(0, &c->msg) < 0 || msg_rewind() < 0) result_exitsys(111, "4.3.0", "unable to seek the message");
  loopcheck_start(&l, c->dtline.s, c->dtline.len);
  if (msg_loopcheck(&l) < 0) result_exitsys(111, "4.3.0", "unable to read the message");
  if (l.mine) result_exit(100, 0, "This message is looping: it already has my Delivered-To line. (#5.4.6)");
  if (l.hops > LOOPCHECK_HOPS_MAX)
    result_exit(100, 0, "This message is looping: it has more than 100 Received and Delivered-To lines. (#5.4.6)");
}

/* 1 and the file's text when the cascade has a non-empty file, 0 when the
 * default delivery applies; exits when there is no mailbox. */
static int find(local_ctx *c, char **text, size_t *len)
{
  dotqmail_iter it;
  char fn[PATH_MAX];
  struct stat st;
  int r;
  dotqmail_start(&it, c->dash, c->ext);
  while ((r = dotqmail_next(&it, fn, sizeof fn, &c->dflt)) == 1) {
    int fd = open(fn, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
      if (errno == ENOENT) continue;
      result_exitsys(111, "4.3.0", "unable to open ", fn);
    }
    if (fstat(fd, &st) < 0) result_exitsys(111, "4.3.0", "unable to stat ", fn);
    close(fd);
    if (st.st_mode & 022) result_exit(111, "4.7.0", "Uh-oh: ", fn, " is group or world writable");
    if (!st.st_size) { c->dflt = -1; return 0; }
    if (st.st_size > LOCAL_DOTQMAIL_MAX) result_exit(111, "4.3.0", fn, " is too large");
    if (slurp_path(fn, 0, LOCAL_DOTQMAIL_MAX, text, len) < 0) result_exitsys(111, "4.3.0", "unable to read ", fn);
    if (*len && (*text)[0] == '\n') result_exit(111, "4.2.1", "Uh-oh: first line of ", fn, " is blank");
    return 1;
  }
  if (r < 0) result_exit(100, "5.1.1", "address extension too long");
  if (c->dash[0]) result_exit(100, 0, "Sorry, no mailbox here by that name. (#5.1.1)");
  c->dflt = -1;
  return 0;
}

void local_run(local_ctx *c)
{
  char *text;
  size_t len;
  char done[200];
  checks(c);
  if (!find(c, &text, &len)) {
    len = strlen(c->defaultdelivery);
    if (!(text = malloc(len + 1))) result_exitsys(111, "4.3.0", "unable to read the default delivery");
    memcpy(text, c->defaultdelivery, len + 1);
  } else {
    char *t = realloc(text, len + 1);
    if (!t) result_exitsys(111, "4.3.0", "unable to read the dot-qmail file");
    text = t;
  }
  int stop = instr_run(c, text, len);
  forward_run(c);
  snprintf(done, sizeof done, "delivered: %u maildir, %u mbox, %u program, %u forward", c->nmaildir, c->nmbox,
           c->nprogram, c->nfwd);
  result_exit(stop ? 99 : 0, 0, done);
}
