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
#define dieusage() strerr_dieusage(100, USAGE)

int main(int argc, char const *const *argv)
{
  static char const *const all[] = { "all", 0 };
  unsigned wait = QMARK_WAIT_DEFAULT;
  char op = CMDREC_FLUSH;
  int i;
  PROG = "posta-qflush";
  i = qmarktool_options(argc, argv, "t:", &op, &wait);
  if (i < 0) dieusage();
  argv += i;
  if (!argv[0]) argv = all;   /* no id: every message */
  return qmarktool_run(op, argv, wait);
}
