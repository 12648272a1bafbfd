/* fds: see fds.h. */
#include "common/fds.h"

#include <unistd.h>

void fds_close_from(int lowest)
{
  if (close_range((unsigned)lowest, ~0U, 0) == 0) return;
  long max = sysconf(_SC_OPEN_MAX);
  if (max < 0 || max > 1 << 20) max = 1 << 20;
  for (long fd = lowest; fd < max; fd++) close((int)fd);
}
