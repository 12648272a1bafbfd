/* posta-user: adds, removes, lists virtual mailboxes.
 *
 * posta-user add ADDRESS [-p PASSWORD|-p -] | passwd ADDRESS | del ADDRESS
 * | list | path ADDRESS | import FILE | export | quota ADDRESS BYTES[,COUNT]|none. passwd and "-p -" read the password on stdin.
 * Works on the instance of POSTA_HOME (else conf-home), as root or posta-v.
 * Exits 0 done, 100 usage or a refused request, 111 temporary error. */
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/home.h"
#include "posta-user/user.h"


static struct { char const *name; user_cmd *fn; } const commands[] = {
  { "add", &user_add },
  { "del", &user_del },
  { "list", &user_list },
  { "path", &user_path },
  { "passwd", &user_passwd },
  { "import", &user_import },
  { "export", &user_export },
  { "quota", &user_quota },
  { 0, 0 },
};

int main(int argc, char const *const *argv)
{
  user_ctx c;
  memset(&c, 0, sizeof c);
  PROG = "posta-user";
  if (argc < 2) strerr_dieusage(100, USER_USAGE);
  c.home = home_get();
  if (chdir(c.home) < 0) strerr_diefu2sys(111, "chdir to ", c.home);
  if (roles_load(&c.ro, c.home) < 0) strerr_diefu2sys(111, "find the users of ", c.home);
  for (unsigned i = 0; commands[i].name; i++)
    if (!strcmp(argv[1], commands[i].name)) {
      commands[i].fn(&c, argc - 2, argv + 2);
      return 0;
    }
  strerr_dieusage(100, USER_USAGE);
}
