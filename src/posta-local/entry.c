/* entry: posta-local's whole run from its arguments. See local.h.
 *
 * Shared by posta-local's main and by posta-lspawn, whose child runs the
 * delivery here after it has become the mailbox owner (no exec: a program
 * start costs more CPU than the rest of a Maildir delivery). The one place
 * that writes the result line and exits: 0 or 99 delivered, 100 permanent
 * failure, 111 temporary failure; never returns. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "posta-local/local.h"

void local_main(int argc, char const *const *argv)
{
  local_ctx c = {
    .rcpt = STRALLOC_ZERO, .dtline = STRALLOC_ZERO, .rpline = STRALLOC_ZERO,
    .ufline = STRALLOC_ZERO, .fwd = STRALLOC_ZERO, .dflt = -1,
  };
  PROG = "posta-local";
  if (argc != 9) strerr_dieusage(100, "posta-local user home local dash ext domain sender defaultdelivery");
  for (int i = 1; i < 9; i++)
    if (strlen(argv[i]) > LOCAL_ARG_MAX) strerr_dief1x(100, "an argument is too long");
  c.user = argv[1];
  c.home = argv[2];
  c.local = argv[3];
  c.dash = argv[4];
  c.ext = argv[5];
  c.domain = argv[6];
  c.sender = argv[7];
  c.defaultdelivery = argv[8];
  if (c.home[0] != '/') strerr_dief1x(100, "home must be an absolute path");
  signal(SIGPIPE, SIG_IGN);
  if (local_init(&c) == 0) local_run(&c);
  result_write(&c.res);
  _exit(c.res.code);
}
