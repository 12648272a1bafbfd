/* sendmail: local submission with sendmail's flags. Reads a message on
 * stdin, fixes its header and queues it through posta-queue. Prints
 * nothing on success; exits 100 (permanent or usage) or 111 (temporary)
 * with the reason. See doc/sendmail.8. */
#include <errno.h>

#include <skalibs/strerr.h>

#include "sendmail/sm_opts.h"
#include "sk/inject_run.h"
#include "sk/inject_std.h"

int main(int argc, char const *const *argv)
{
  inject_opts o;
  inject_err err;
  char const *why = "";
  PROG = "sendmail";
  inject_std_fds();
  int i = sm_opts(argc, argv, &o, &why);
  if (i < 0) strerr_dief(100, why, "\nusage: ", SM_USAGE);
  o.args = argv + i;
  o.nargs = (size_t)(argc - i);
  int code = inject_run(&o, &err);
  if (code && err.errnum) {
    errno = err.errnum;
    strerr_diefusys(code, err.text);
  }
  if (code) strerr_diefu(code, err.text);
  return 0;
}
