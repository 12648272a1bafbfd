/* posta-checkpw: checks a login and password for posta-smtpd's AUTH.
 *
 * posta-checkpw PROG [ARGS...]: the checkpassword interface (doc/tls.md).
 * Reads login NUL password NUL (and what follows, ignored) on descriptor
 * 3; when the password matches the login's hash in DIR/mailboxes/.passwd,
 * executes PROG with USER set to the login. Exits 1 when it does not
 * match (or the login has no password), 2 on wrong usage or input, 111 on
 * a system error. Never prints the password, never passes it on. */
#include <errno.h>
#include <fcntl.h>

#include <skalibs/strerr.h>

#include "common/nodump.h"
#include "posta-checkpw/cpw.h"

#define USAGE "posta-checkpw prog [args...] (login NUL password NUL on descriptor 3)"

int main(int argc, char const *const *argv)
{
  PROG = "posta-checkpw";
  /* not dumpable already as a setuid program; nor once it is the caller
   * again (cpw_drop), while it holds the password */
  if (nodump() < 0) strerr_diefu1sys(CPW_TEMP, "make the process undumpable");
  cpw_fds();
  if (argc < 2) strerr_dieusage(CPW_USAGE, USAGE);
  cpw_home();
  int fd = open(CPW_FILE, O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno != ENOENT) strerr_diefu2sys(CPW_TEMP, "open ", CPW_FILE);
  cpw_drop();
  cpw_run(fd, argv + 1);
  return CPW_TEMP;
}
