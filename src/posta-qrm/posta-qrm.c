/* posta-qrm: removes messages from the queue: never delivered afterwards, their files gone.
 *
 *   posta-qrm [ -t seconds ] id...
 *
 * Leaves a request for posta-send in queue/cmd/ and waits for posta-send to
 * take it (src/sk/qmark.h); never writes a message's records. Runs as root
 * or posta-s. See posta-qrm(8). */
#include <skalibs/strerr.h>

#include "common/cmdrec.h"
#include "sk/qmarktool.h"

#define USAGE "posta-qrm [ -t seconds ] id..."

int main(int argc, char const *const *argv)
{
  PROG = "posta-qrm";
  return qmarktool_main(argc, argv, CMDREC_REMOVE, "t:", USAGE);
}
