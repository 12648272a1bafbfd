/* posta-lspawn: runs one posta-local per local delivery, as the mailbox
 * owner: in a long-lived worker running as posta-v for a virtual mailbox
 * with Maildirs only (pool.c, worker.c), else in a child forked for it.
 *
 * Requests from posta-send arrive on fd 0 and responses leave on fd 1 (one
 * SOCK_SEQPACKET socket, doc/protocols.md); at most control/concurrencylocal
 * (default 10, at most 1000) deliveries run at once. Runs as root, the
 * only root daemon, in the instance's home; never delivers as root and
 * never parses anything but the request record; opens each message itself
 * from queue/mess (never a descriptor posta-send sends). Exits 0 at end of file
 * once every delivery is answered, 111 when it cannot start. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/selfpipe.h>
#include <skalibs/strerr.h>

#include "common/control.h"
#include "common/home.h"
#include "common/roles.h"
#include "posta-lspawn/lspawn.h"

int main(int argc, char const *const *argv)
{
  lspawn l = { .home = 0, .slot = 0, .n = 0, .running = 0, .eof = 0, .sigfd = -1, .mess = { .fd = -1 }, .w = 0, .nw = 0 };
  unsigned long conc, maxuse;
  roles ro;
  sigset_t set;
  PROG = "posta-lspawn";
  if (argc > 1) strerr_dieusage(100, "posta-lspawn");
  l.home = home_get();
  if (chdir(l.home) < 0) strerr_diefu2sys(111, "chdir to ", l.home);
  if (roles_load(&ro, l.home) < 0) strerr_diefu1sys(111, "find the queue's owner");
  if (messdir_open(&l.mess, ro.uid[ROLE_Q]) < 0) strerr_diefu1sys(111, "open queue/mess");
  if (control_ulong("control/concurrencylocal", &conc, LSPAWN_SLOTS_DEFAULT) < 0)
    strerr_diefu2sys(111, "read ", "control/concurrencylocal");
  if (control_ulong("control/localmaxuse", &maxuse, LSPAWN_MAXUSE_DEFAULT) < 0)
    strerr_diefu2sys(111, "read ", "control/localmaxuse");
  if (!conc) conc = 1;
  if (conc > LSPAWN_SLOTS_MAX) conc = LSPAWN_SLOTS_MAX;
  l.n = (unsigned)conc;
  if (!(l.slot = calloc(l.n, sizeof *l.slot))) strerr_diefu1sys(111, "allocate the slots");
  for (unsigned i = 0; i < l.n; i++) l.slot[i].fd = l.slot[i].msg = l.slot[i].worker = -1;
  /* no workers when each delivery must be a program of its own
   * (POSTA_LSPAWN_EXEC), with localmaxuse 0, or for a posta-v of uid 0 */
  char const *x = getenv("POSTA_LSPAWN_EXEC");
  l.vuid = ro.uid[ROLE_V];
  l.vgid = ro.gid[ROLE_V];
  l.maxuse = maxuse > 1000000 ? 1000000 : (unsigned)maxuse;
  l.nw = (x && *x && strcmp(x, "0")) || !l.maxuse || !l.vuid ? 0 : l.n < LSPAWN_WORKERS_MAX ? l.n : LSPAWN_WORKERS_MAX;
  if (l.nw && !(l.w = calloc(l.nw, sizeof *l.w))) strerr_diefu1sys(111, "allocate the workers");
  if ((l.sigfd = selfpipe_init()) < 0) strerr_diefu1sys(111, "create the selfpipe");
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGHUP);  /* nothing to reload: settings are read per delivery */
  if (!selfpipe_trapset(&set)) strerr_diefu1sys(111, "trap signals");
  int r = lspawn_loop(&l);
  free(l.w);
  free(l.slot);
  return r;
}
