/* inject_std: fd 0, 1, 2 open; inject_run with its reason printed. See
 * inject_std.h. */
#include "sk/inject_std.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <skalibs/strerr.h>

void inject_std_fds(void)
{
  for (int fd = 0; fd < 3; fd++) {
    if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd) _exit(111);
  }
}

int inject_std_run(inject_opts *o, char const *const *args, int nargs)
{
  inject_err err;
  o->args = args;
  o->nargs = (size_t)nargs;
  int code = inject_run(o, &err);
  if (!code) return 0;
  if (err.errnum) {
    errno = err.errnum;
    strerr_warnsys(PROG, ": fatal: unable to ", err.text);
  } else
    strerr_warn(PROG, ": fatal: unable to ", err.text);
  return code;
}
