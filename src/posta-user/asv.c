/* asv: act as posta-v on DIR/mailboxes. See user.h.
 *
 * Root never creates or writes a file under DIR/mailboxes itself: a child
 * dropped to posta-v does, so a link planted there cannot turn root's
 * rights against another file. Dies on error. */
#include "posta-user/user.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/durable.h"

void asv_lock(user_ctx *c)
{
  int fd = open("mailboxes", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT && !getuid()) {
    if (mkdir("mailboxes", 0711) < 0 && errno != EEXIST) strerr_diefu2sys(111, "mkdir ", "mailboxes");
    if (chown("mailboxes", c->ro.uid[ROLE_V], c->ro.gid[ROLE_V]) < 0) strerr_diefu2sys(111, "chown ", "mailboxes");
    fd = open("mailboxes", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  }
  if (fd < 0) strerr_diefu2sys(111, "open ", "mailboxes");
  if (flock(fd, LOCK_EX) < 0) strerr_diefu2sys(111, "lock ", "mailboxes");
  /* held until exit; a child dropped to posta-v shares it */
}

void asv_run(user_ctx *c, void (*f)(user_ctx *))
{
  int status;
  uid_t v = c->ro.uid[ROLE_V];
  gid_t g = c->ro.gid[ROLE_V];
  if (getuid() == v) { f(c); return; }
  if (v == 0) strerr_dief1x(100, "posta-v is root in this instance: refusing to create mailboxes as root");
  pid_t pid = fork();
  if (pid < 0) strerr_diefu1sys(111, "fork");
  if (!pid) {
    if (setgroups(1, &g) < 0 || setgid(g) < 0 || setuid(v) < 0) strerr_diefu1sys(111, "switch to posta-v");
    f(c);
    _exit(0);
  }
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) strerr_diefu1sys(111, "wait for the child working as posta-v");
  if (WIFSIGNALED(status)) strerr_dief1x(111, "the child working as posta-v crashed");
  if (WEXITSTATUS(status)) _exit(WEXITSTATUS(status));
}

int asv_test(user_ctx *c, int (*f)(user_ctx *))
{
  int status;
  uid_t v = c->ro.uid[ROLE_V];
  gid_t g = c->ro.gid[ROLE_V];
  if (getuid() == v) return f(c);
  pid_t pid = fork();
  if (pid < 0) strerr_diefu1sys(111, "fork");
  if (!pid) {
    if (setgroups(1, &g) < 0 || setgid(g) < 0 || setuid(v) < 0) strerr_diefu1sys(111, "switch to posta-v");
    _exit(f(c) ? 0 : 1);
  }
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) strerr_diefu1sys(111, "wait for the child working as posta-v");
  if (WIFSIGNALED(status)) strerr_dief1x(111, "the child working as posta-v crashed");
  if (WEXITSTATUS(status) > 1) _exit(WEXITSTATUS(status));
  return !WEXITSTATUS(status);
}

/* mkdir that accepts an existing folder, never a link or a file; a new
 * folder is made durable in its parent */
static void folder(char const *fn, mode_t mode)
{
  struct stat st;
  if (mkdir(fn, mode) == 0) {
    if (chmod(fn, mode) < 0) strerr_diefu2sys(111, "chmod ", fn);
    if (durable_fsync_parent(fn) < 0) strerr_diefu2sys(111, "fsync the folder of ", fn);
    return;
  }
  if (errno != EEXIST) strerr_diefu2sys(111, "mkdir ", fn);
  if (lstat(fn, &st) < 0) strerr_diefu2sys(111, "stat ", fn);
  if (!S_ISDIR(st.st_mode)) strerr_dief2x(111, fn, " exists and is not a folder");
}

/* The domain's folder and the mailbox's home are 0711: posta-smtpd (posta-d)
 * must be able to stat a .qmail-EXT file there to refuse an unknown
 * extension address at RCPT time rather than bounce it later; nobody can
 * list them, and the Maildir itself stays 0700. */
void asv_mkbox(user_ctx *c)
{
  static char const *const sub[] = { "", "/Maildir", "/Maildir/tmp", "/Maildir/new", "/Maildir/cur" };
  char fn[PATH_MAX];
  char const *domain = c->addr + c->at + 1;
  int n = (int)c->at;
  snprintf(fn, sizeof fn, "mailboxes/%s", domain);
  folder(fn, 0711);
  for (unsigned i = 0; i < sizeof sub / sizeof *sub; i++) {
    snprintf(fn, sizeof fn, "mailboxes/%s/%.*s%s", domain, n, c->addr, sub[i]);
    folder(fn, i ? 0700 : 0711);
  }
}
