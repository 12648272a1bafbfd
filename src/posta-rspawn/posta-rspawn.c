/* posta-rspawn: the spawner of remote deliveries. Requests on fd 0, answers
 * on fd 1 (doc/protocols.md); one posta-remote per request, up to
 * control/concurrencyremote at once. Exits 0 after the end of the requests
 * once every delivery is answered, 111 when an answer could not be sent or
 * on a system failure, 100 on wrong usage. See posta-rspawn(8). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/home.h"
#include "common/nodump.h"
#include "posta-rspawn/rspawn.h"

char const *PROG = "posta-rspawn";

int main(int argc, char const *const *argv)
{
  /* it holds every remote delivery's message: no posta-remote may read it */
  if (nodump() < 0) strerr_diefusys(111, "make the process undumpable");
  if (argc > 1) strerr_dieusage(100, "posta-rspawn");
  char const *home = home_get();
  if (chdir(home) < 0) strerr_diefusys(111, "chdir to ", home);
  rspawn *r = calloc(1, sizeof *r);
  if (!r || !(r->req = malloc(RSPAWN_REQ_MAX + 4096))) strerr_diefu(111, "allocate memory");
  if (strlen(home) + sizeof RSPAWN_PROG > sizeof r->prog) strerr_dief2x(100, "home folder name too long: ", home);
  memcpy(r->prog, home, strlen(home));
  memcpy(r->prog + strlen(home), RSPAWN_PROG, sizeof RSPAWN_PROG);
  if (rspawn_conf_concurrency(&r->concurrency) < 0) strerr_diefusys(111, "read control/concurrencyremote");
  int e = rspawn_loop(r);
  free(r->req);
  free(r);
  return e;
}
