/* posta-inject: local submission with qmail-inject's flags. Reads a message
 * on stdin, fixes its header and queues it through posta-queue (or prints
 * it with -n). Prints nothing on success; exits 100 (permanent or usage) or
 * 111 (temporary) with the reason. See doc/posta-inject.8. */
#include <skalibs/strerr.h>

#include "posta-inject/pi_opts.h"
#include "sk/inject_std.h"

int main(int argc, char const *const *argv)
{
  inject_opts o;
  PROG = "posta-inject";
  inject_std_fds();
  int i = pi_opts(argc, argv, &o);
  if (i < 0) strerr_dieusage(100, PI_USAGE);
  return inject_std_run(&o, argv + i, argc - i);
}
