/* setup_users: creates the users and groups conf-users names, when missing.
 * Runs Debian's groupadd, useradd and usermod (never a shell). Users that
 * own files (posta-q, posta-s) get group posta; posta-d, the SMTP front
 * end, a group of its own, also named posta-d, that alone may run the
 * setuid posta-checkpw (a password oracle for anyone else); every other
 * user posta-nofiles. A posta-d made before it had its own group is moved
 * to it. None can log in. */
#include "posta-setup/setup.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>

#include <skalibs/strerr.h>

static int group_ensure(char const *name)
{
  errno = 0;
  if (getgrnam(name)) return 0;
  char const *argv[] = { "groupadd", "--system", name, 0 };
  return setup_run(argv, 0);
}

static int user_ensure(char const *name, char const *group)
{
  errno = 0;
  if (getpwnam(name)) return 0;
  char const *argv[] = { "useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                         "--shell", "/usr/sbin/nologin", "--gid", group, "--no-user-group", name, 0 };
  return setup_run(argv, 0);
}

/* The user's primary group becomes group, when it is another one. */
static int primary_ensure(char const *name, char const *group)
{
  errno = 0;
  struct passwd *pw = getpwnam(name);
  if (!pw) { strerr_warnwu2sys("find user ", name); return -1; }
  gid_t had = pw->pw_gid;
  errno = 0;
  struct group *gr = getgrnam(group);
  if (!gr) { strerr_warnwu2sys("find group ", group); return -1; }
  if (had == gr->gr_gid) return 0;
  char const *argv[] = { "usermod", "--gid", group, name, 0 };
  return setup_run(argv, 0);
}

static char const *group_of(unsigned role)
{
  if (role == ROLE_Q || role == ROLE_S) return roles_name(ROLE_N);
  return role == ROLE_D ? roles_name(ROLE_D) : roles_name(ROLE_N + 1);
}

int setup_users(void)
{
  if (group_ensure(roles_name(ROLE_N)) < 0 || group_ensure(roles_name(ROLE_N + 1)) < 0
      || group_ensure(roles_name(ROLE_D)) < 0) return -1;
  for (unsigned i = 0; i < ROLE_N; i++)
    if (user_ensure(roles_name(i), group_of(i)) < 0) return -1;
  return primary_ensure(roles_name(ROLE_D), group_of(ROLE_D));
}
