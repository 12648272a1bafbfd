/* quota: posta-user quota ADDRESS BYTES[,COUNT]|none (Maildir++).
 *
 * Writes the mailbox's Maildir/maildirsize as posta-v: the quota's
 * definition line ("BYTESS[,COUNTC]", common/mdsize.h) and the usage
 * counted now; none removes the file. A mailbox with a quota has its
 * Maildir 0711 and maildirsize 0644, so that posta-smtpd (posta-d) can
 * read how full it is at RCPT time (doc/security.md); without one the
 * Maildir is 0700 again. Dies through strerr (100 refused, 111 error). */
#include "posta-user/user.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/durable.h"
#include "common/mdsize.h"

/* "BYTES[,COUNT]", or Maildir++'s own "NNNS[,NNNC]": 0, or -1 */
static int parse(char const *s, mdsize *m)
{
  char def[MDSIZE_DEF_MAX];
  char const *comma = strchr(s, ',');
  size_t n = strlen(s);
  if (!n || n >= 40) return -1;
  if (strpbrk(s, "SC")) return mdsize_def(s, n, m);
  if (comma) snprintf(def, sizeof def, "%.*sS,%sC", (int)(comma - s), s, comma + 1);
  else snprintf(def, sizeof def, "%sS", s);
  return mdsize_def(def, strlen(def), m);
}

static void maildir(user_ctx const *c, char *out, size_t size)
{
  snprintf(out, size, "mailboxes/%s/%.*s/Maildir/", c->addr + c->at + 1, (int)c->at, c->addr);
}

static void set_as_v(user_ctx *c)
{
  char dir[PATH_MAX];
  mdsize m = c->quota;
  maildir(c, dir, sizeof dir);
  if (mdsize_fs_scan(dir, &m) < 0) strerr_diefu2sys(111, "count the messages of ", dir);
  if (mdsize_fs_write(dir, &m, 0644) < 0) strerr_diefu3sys(111, "write ", dir, "maildirsize");
  if (chmod(dir, 0711) < 0) strerr_diefu2sys(111, "chmod ", dir);
}

static void clear_as_v(user_ctx *c)
{
  char dir[PATH_MAX], fn[PATH_MAX + 16];
  maildir(c, dir, sizeof dir);
  snprintf(fn, sizeof fn, "%smaildirsize", dir);
  if (durable_unlink(fn) < 0) strerr_diefu2sys(111, "remove ", fn);
  if (chmod(dir, 0700) < 0) strerr_diefu2sys(111, "chmod ", dir);
}

void user_quota(user_ctx *c, int argc, char const *const *argv)
{
  if (argc != 2) strerr_dieusage(100, USER_USAGE);
  user_take_addr(c, argv[0]);
  user_may_change(c);
  int none = !strcmp(argv[1], "none");
  if (!none && (parse(argv[1], &c->quota) < 0 || (!c->quota.qbytes && !c->quota.qcount)))
    strerr_dief3x(100, "invalid quota ", argv[1], ": give BYTES[,COUNT] (not both 0) or none");
  asv_lock(c);
  if (!user_has_box(c)) strerr_dief2x(100, "no virtual mailbox for ", c->addr);
  asv_run(c, none ? &clear_as_v : &set_as_v);
}
