/* sendmail: local submission with sendmail's flags. Reads a message on
 * stdin, fixes its header and queues it through posta-queue. Prints
 * nothing on success; exits 100 (permanent or usage) or 111 (temporary)
 * with the reason. See doc/sendmail.8. */
#include <skalibs/strerr.h>

#include "sendmail/sm_opts.h"
#include "sk/inject_std.h"

int main(int argc, char const *const *argv)
{
  inject_opts o;
  char const *why = "";
  PROG = "sendmail";
  inject_std_fds();
  int i = sm_opts(argc, argv, &o, &why);
  if (i < 0) strerr_dief(100, why, "\nusage: ", SM_USAGE);
  return inject_std_run(&o, argv + i, argc - i);
}
