/* date822: RFC 5322 dates in UTC. See date822.h. */
#include "sk/date822.h"

#include <stdio.h>

static char const *const days[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static char const *const months[12] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

size_t date822_utc(char *buf, size_t size, time_t when)
{
  struct tm tm;
  if (!gmtime_r(&when, &tm)) return 0;
  int n = snprintf(buf, size, "%s, %d %s %04d %02d:%02d:%02d +0000",
                   days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900,
                   tm.tm_hour, tm.tm_min, tm.tm_sec);
  return n > 0 && (size_t)n < size ? (size_t)n : 0;
}
