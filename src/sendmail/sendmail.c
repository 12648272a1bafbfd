/* sendmail: local submission with sendmail's flags. Reads a message on
 * stdin, fixes its header and queues it through posta-queue. Prints
 * nothing on success; exits 100 (permanent or usage) or 111 (temporary)
 * with the reason. Called mailq or newaliases, or with -bp, -bi, -bs or
 * -q, it does what those do instead (sm_modes.h), never waiting for a
 * message. See doc/sendmail.8. */
#include <skalibs/strerr.h>

#include "common/home.h"
#include "sendmail/sm_modes.h"
#include "sendmail/sm_opts.h"
#include "sk/inject_std.h"

int main(int argc, char const *const *argv)
{
  inject_opts o;
  enum sm_mode mode;
  char const *why = "";
  PROG = "sendmail";
  inject_std_fds();
  if (argc < 1) strerr_dief2x(100, "no argv[0]", "\nusage: " SM_USAGE);
  int i = sm_opts(argc, argv, &o, &mode, &why);
  if (i < 0) strerr_dief(100, why, "\nusage: ", SM_USAGE);
  switch (mode) {
    case SM_LIST: return sm_list(home_get());
    case SM_ALIASES: return sm_aliases(home_get());
    case SM_SMTP: return sm_smtp(home_get());
    case SM_FLUSH: return sm_flush(home_get());
    default: return inject_std_run(&o, argv + i, argc - i);
  }
}
