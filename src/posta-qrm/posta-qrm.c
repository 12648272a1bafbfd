/* posta-qrm: removes messages from the queue: never delivered afterwards, their files gone.
 *
 *   posta-qrm [ -t seconds ] id...
 *   posta-qrm [ -t seconds ] [ -n ] { all | -s sender | -r recipient ... }
 *
 * Leaves a request for posta-send in queue/cmd/ and waits for posta-send to
 * take it (src/sk/qmark.h); never writes a message's records. The messages
 * of -s, -r and all are those posta-qread lists (qrm_select.h); -n lists
 * them instead. Runs as root or posta-s. See posta-qrm(8). */
#include <skalibs/strerr.h>

#include "posta-qrm/qrm_run.h"

int main(int argc, char const *const *argv)
{
  PROG = "posta-qrm";
  return qrm_main(argc, argv);
}
