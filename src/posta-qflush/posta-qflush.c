/* posta-qflush: has posta-send try messages now (every one without an id).
 *
 *   posta-qflush [ -t seconds ] [ id... | all ]
 *
 * Leaves a request for posta-send in queue/cmd/ and waits for posta-send to
 * take it (src/sk/qmark.h); never writes a message's records. Runs as root
 * or posta-s. See posta-qflush(8). */
#include <skalibs/strerr.h>

#include "common/cmdrec.h"
#include "sk/qmarktool.h"

#define USAGE "posta-qflush [ -t seconds ] [ id... | all ]"

int main(int argc, char const *const *argv)
{
  PROG = "posta-qflush";
  return qmarktool_main(argc, argv, CMDREC_FLUSH, "t:", USAGE);
}
