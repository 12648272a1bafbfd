/* qq_received: the Received line posta-queue puts first in every message,
 * and the RFC 5322 date it carries (UTC, so no time zone file is read by a
 * setuid program). Pure formatting: no I/O, never fails but on a short buffer
 * (returns 0). */
#include <stdio.h>
#include <time.h>

#include "posta-queue/qq.h"

static char const *const days[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static char const *const months[12] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

size_t qq_date(char *buf, size_t size, time_t when)
{
  struct tm tm;
  if (!gmtime_r(&when, &tm)) return 0;
  int n = snprintf(buf, size, "%s, %d %s %04d %02d:%02d:%02d +0000",
                   days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900,
                   tm.tm_hour, tm.tm_min, tm.tm_sec);
  return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

size_t qq_received(char *buf, size_t size, pid_t pid, int invoked, uid_t uid, time_t when)
{
  char date[64];
  char by[48];
  int n;
  if (!qq_date(date, sizeof date, when)) return 0;
  if (invoked == QQ_INVOKED_NETWORK) snprintf(by, sizeof by, "invoked from network");
  else if (invoked == QQ_INVOKED_BOUNCE) snprintf(by, sizeof by, "invoked for bounce");
  else snprintf(by, sizeof by, "invoked by uid %lu", (unsigned long)uid);
  n = snprintf(buf, size, "Received: (posta %ld %s); %s\n", (long)pid, by, date);
  return n > 0 && (size_t)n < size ? (size_t)n : 0;
}
