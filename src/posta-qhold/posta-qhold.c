/* posta-qhold: holds messages (no delivery until released), or releases them (-r).
 *
 *   posta-qhold [ -r ] [ -t seconds ] id...
 *
 * Leaves a request for posta-send in queue/cmd/ and waits for posta-send to
 * take it (src/sk/qmark.h); never writes a message's records. Runs as root
 * or posta-s. See posta-qhold(8). */
#include <skalibs/strerr.h>

#include "common/cmdrec.h"
#include "sk/qmarktool.h"

#define USAGE "posta-qhold [ -r ] [ -t seconds ] id..."

int main(int argc, char const *const *argv)
{
  PROG = "posta-qhold";
  return qmarktool_main(argc, argv, CMDREC_HOLD, "rt:", USAGE);
}
