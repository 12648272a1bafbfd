/* qq_home: which instance posta-queue writes into, and as whom.
 *
 * Root and the program's owner (the real uid equals the effective uid) may
 * name the instance with POSTA_HOME, else conf-home. Anyone else gets the
 * instance the program is installed in, DIR for DIR/bin/posta-queue as the
 * kernel names it in /proc/self/exe, and only if DIR/queue belongs to the
 * effective uid: a copy or hard link of the setuid program elsewhere finds
 * no queue it may write (61). Run with an effective uid of root, it becomes
 * the queue's owner before it creates anything, so that every file in the
 * queue has the owner posta-send expects. Ends the process on failure. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/home.h"
#include "conf.h"
#include "posta-queue/qq.h"

int qq_home_from_exe(char const *exe, char *home, size_t size)
{
  size_t n = strlen(exe);
  char const *s;
  /* strip "/NAME", then "/bin" */
  while (n && exe[n - 1] != '/') n--;
  if (n < 2) return -1;
  n--;
  if (n < 4 || memcmp(exe + n - 4, "/bin", 4)) return -1;
  n -= 4;
  if (!n) return -1;
  s = exe;
  if (s[0] != '/' || n >= size) return -1;
  memcpy(home, s, n);
  home[n] = 0;
  return 0;
}

static void installed_home(char *home, size_t size)
{
  char exe[PATH_MAX];
  ssize_t r = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (r <= 0) strerr_diefusys(QQ_HOME, "read /proc/self/exe");
  exe[r] = 0;
  if (qq_home_from_exe(exe, home, size) < 0)
    strerr_diefu(QQ_HOME, "find the instance of ", exe, ": not installed as DIR/bin/posta-queue");
}

static void become_owner(qq *q)
{
  if (setgroups(0, 0) < 0 || setgid(q->qgid) < 0 || setuid(q->quid) < 0)
    strerr_diefusys(QQ_HOME, "become the queue's owner");
}

/* posta-smtpd runs as posta-d, posta-bounce as posta-s: one look at the
 * caller's name says which (a single-user instance's user is neither). */
int qq_invoked_as(uid_t ruid)
{
  struct passwd *pw = ruid ? getpwuid(ruid) : 0;
  if (!pw) return QQ_INVOKED_LOCAL;
  if (!strcmp(pw->pw_name, CONF_POSTA_D)) return QQ_INVOKED_NETWORK;
  if (!strcmp(pw->pw_name, CONF_POSTA_S)) return QQ_INVOKED_BOUNCE;
  return QQ_INVOKED_LOCAL;
}

void qq_home(qq *q)
{
  char buf[PATH_MAX];
  char const *home = buf;
  struct stat st;
  uid_t euid = geteuid();
  int trusted;
  q->ruid = getuid();
  q->pid = getpid();
  trusted = q->ruid == 0 || q->ruid == euid;
  if (trusted) home = home_get();
  else installed_home(buf, sizeof buf);
  if (chdir(home) < 0) strerr_diefusys(QQ_HOME, "change to the home folder ", home);
  if (stat("queue", &st) < 0)
    strerr_diefusys(trusted ? QQ_QUEUE : QQ_HOME, "stat the queue in ", home);
  if (!S_ISDIR(st.st_mode)) strerr_diefu(QQ_QUEUE, "use the queue in ", home, ": not a folder");
  q->quid = st.st_uid;
  q->qgid = st.st_gid;
  if (euid == 0 && st.st_uid != 0) {
    become_owner(q);
    euid = geteuid();
  }
  if (st.st_uid != euid)
    strerr_diefu(trusted ? QQ_QUEUE : QQ_HOME, "use the queue in ", home, ": it is not mine");
  q->fmode = qq_file_mode(q);
  q->invoked = qq_invoked_as(q->ruid);
}
