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

int local_deliver(char const *const *arg, int maildir_only, local_result *res)
{
  /* everything of the delivery lives here and dies here: a worker's next
   * delivery starts from nothing */
  local_ctx c = {
    .user = arg[0], .home = arg[1], .local = arg[2], .dash = arg[3], .ext = arg[4],
    .domain = arg[5], .sender = arg[6], .defaultdelivery = arg[7],
    .rcpt = STRALLOC_ZERO, .dtline = STRALLOC_ZERO, .rpline = STRALLOC_ZERO,
    .ufline = STRALLOC_ZERO, .fwd = STRALLOC_ZERO, .dflt = -1, .maildir_only = maildir_only,
  };
  if (local_init(&c) == 0) local_run(&c);
  stralloc_free(&c.rcpt);
  stralloc_free(&c.dtline);
  stralloc_free(&c.rpline);
  stralloc_free(&c.ufline);
  stralloc_free(&c.fwd);
  *res = c.res;
  return res->code;
}

void local_main(int argc, char const *const *argv)
{
  local_result res;
  PROG = "posta-local";
  if (argc != 9) strerr_dieusage(100, "posta-local user home local dash ext domain sender defaultdelivery");
  for (int i = 1; i < 9; i++)
    if (strlen(argv[i]) > LOCAL_ARG_MAX) strerr_dief1x(100, "an argument is too long");
  if (argv[2][0] != '/') strerr_dief1x(100, "home must be an absolute path");
  signal(SIGPIPE, SIG_IGN);
  local_deliver(argv + 1, 0, &res);
  result_write(&res);
  _exit(res.code);
}
