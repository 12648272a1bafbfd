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
 * folder is made durable in its parent (sync), or by the caller's syncfs */
static void folder(char const *fn, mode_t mode, int sync)
{
  struct stat st;
  if (mkdir(fn, mode) == 0) {
    if (chmod(fn, mode) < 0) strerr_diefu2sys(111, "chmod ", fn);
    if (sync && durable_fsync_parent(fn) < 0) strerr_diefu2sys(111, "fsync the folder of ", fn);
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
static void mkbox(char const *addr, size_t at, int sync)
{
  static char const *const sub[] = { "", "/Maildir", "/Maildir/tmp", "/Maildir/new", "/Maildir/cur" };
  char fn[PATH_MAX];
  char const *domain = addr + at + 1;
  snprintf(fn, sizeof fn, "mailboxes/%s", domain);
  folder(fn, 0711, sync);
  for (unsigned i = 0; i < sizeof sub / sizeof *sub; i++) {
    snprintf(fn, sizeof fn, "mailboxes/%s/%.*s%s", domain, (int)at, addr, sub[i]);
    folder(fn, i ? 0700 : 0711, sync);
  }
}

void asv_mkbox(user_ctx *c)
{
  mkbox(c->addr, c->at, 1);
}

/* a new folder of exactly mode (umask 0), an existing one kept: 0, or -1
 * with errno ENOENT when its parent is missing; dies on other errors */
static int quick_folder(char const *fn, mode_t mode)
{
  if (mkdir(fn, mode) == 0) return 0;
  if (errno == ENOENT) return -1;
  folder(fn, mode, 0);
  return 0;
}

/* import: five mkdirs a mailbox, the domain's folder only when the first
 * fails for want of it; then one syncfs rather than two fsyncs a folder */
void asv_mkboxes(user_ctx *c)
{
  static char const *const sub[] = { "/Maildir", "/Maildir/tmp", "/Maildir/new", "/Maildir/cur" };
  imptab const *t = c->imp;
  char fn[PATH_MAX];
  mode_t mask = umask(0);
  for (size_t i = 0; i < t->n; i++) {
    char const *addr = imptab_addr(t, t->e + i), *domain = addr + t->e[i].at + 1;
    int n = (int)t->e[i].at;
    snprintf(fn, sizeof fn, "mailboxes/%s/%.*s", domain, n, addr);
    if (quick_folder(fn, 0711) < 0) {
      snprintf(fn, sizeof fn, "mailboxes/%s", domain);
      folder(fn, 0711, 0);
      snprintf(fn, sizeof fn, "mailboxes/%s/%.*s", domain, n, addr);
      folder(fn, 0711, 0);
    }
    for (unsigned j = 0; j < sizeof sub / sizeof *sub; j++) {
      snprintf(fn, sizeof fn, "mailboxes/%s/%.*s%s", domain, n, addr, sub[j]);
      if (quick_folder(fn, 0700) < 0) strerr_diefu2sys(111, "mkdir ", fn);
    }
  }
  umask(mask);
  int fd = open("mailboxes", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) strerr_diefu2sys(111, "open ", "mailboxes");
  if (syncfs(fd) < 0) strerr_diefu2sys(111, "sync the file system of ", "mailboxes");
  close(fd);
}
