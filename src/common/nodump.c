/* nodump: see nodump.h. */
#include "common/nodump.h"

#include <sys/prctl.h>

int nodump(void)
{
  return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 ? -1 : 0;
}
