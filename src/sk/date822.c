/* date822: RFC 5322 dates in UTC. See date822.h. */
#include "sk/date822.h"

#include <stdio.h>

static char const *const days_of_week[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static char const *const months[12] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/* The civil date of a day count since 1970-01-01 (the proleptic Gregorian
 * calendar, in 400-year eras). Done here rather than with gmtime_r, which
 * reads /etc/localtime first: a setuid posta-queue has no need of it. */
static void civil(long long z, long long *y, unsigned *m, unsigned *d)
{
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (long long)yoe + era * 400 + (*m <= 2);
}

size_t date822_utc(char *buf, size_t size, time_t when)
{
  long long t = (long long)when, days = t / 86400, secs = t % 86400, y;
  unsigned m, d;
  if (secs < 0) { secs += 86400; days--; }
  civil(days, &y, &m, &d);
  int n = snprintf(buf, size, "%s, %u %s %04lld %02lld:%02lld:%02lld +0000",
                   days_of_week[((days % 7) + 11) % 7], d, months[m - 1], y,
                   secs / 3600, secs / 60 % 60, secs % 60);
  return n > 0 && (size_t)n < size ? (size_t)n : 0;
}
