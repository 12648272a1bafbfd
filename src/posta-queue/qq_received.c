/* qq_received: the Received line posta-queue puts first in every message.
 * Pure formatting: no I/O, never fails but on a short buffer (returns 0). */
#include <stdio.h>
#include <time.h>

#include "posta-queue/qq.h"
#include "sk/date822.h"

size_t qq_received(char *buf, size_t size, pid_t pid, int invoked, uid_t uid, time_t when)
{
  char date[DATE822_MAX];
  char by[48];
  int n;
  if (!date822_utc(date, sizeof date, when)) return 0;
  if (invoked == QQ_INVOKED_NETWORK) snprintf(by, sizeof by, "invoked from network");
  else if (invoked == QQ_INVOKED_BOUNCE) snprintf(by, sizeof by, "invoked for bounce");
  else snprintf(by, sizeof by, "invoked by uid %lu", (unsigned long)uid);
  n = snprintf(buf, size, "Received: (posta %ld %s); %s\n", (long)pid, by, date);
  return n > 0 && (size_t)n < size ? (size_t)n : 0;
}
