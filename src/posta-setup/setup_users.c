/* setup_users: creates the users and groups conf-users names, when missing.
 * Runs Debian's groupadd and useradd (never a shell). Users that own files
 * (posta-q, posta-s) get group posta; every other user posta-nofiles. None
 * can log in. */
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

int setup_users(void)
{
  char const *gposta = roles_name(ROLE_N);
  char const *gnofiles = roles_name(ROLE_N + 1);
  if (group_ensure(gposta) < 0 || group_ensure(gnofiles) < 0) return -1;
  for (unsigned i = 0; i < ROLE_N; i++) {
    char const *group = (i == ROLE_Q || i == ROLE_S) ? gposta : gnofiles;
    if (user_ensure(roles_name(i), group) < 0) return -1;
  }
  return 0;
}
