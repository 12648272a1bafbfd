/* Unit tests for src/sk/date822.c: RFC 5322 dates in UTC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "sk/date822.h"
#include "unit.h"

static void dates(void **state)
{
  char buf[DATE822_MAX];
  assert_int_equal(date822_utc(buf, sizeof buf, 0), 30);
  assert_string_equal(buf, "Thu, 1 Jan 1970 00:00:00 +0000");
  date822_utc(buf, sizeof buf, 1700000000);
  assert_string_equal(buf, "Tue, 14 Nov 2023 22:13:20 +0000");
  date822_utc(buf, sizeof buf, 951782400);   /* a leap day */
  assert_string_equal(buf, "Tue, 29 Feb 2000 00:00:00 +0000");
  date822_utc(buf, sizeof buf, 4102444799);  /* the last second of 2099 */
  assert_string_equal(buf, "Thu, 31 Dec 2099 23:59:59 +0000");
  assert_int_equal(date822_utc(buf, 10, 0), 0);
}

/* The same as the C library's gmtime, over 150 years either side of 1970. */
static void against_gmtime(void **state)
{
  static char const *const wd[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
  static char const *const mo[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  for (long long t = -4733510400LL; t < 4733510400LL; t += 86400LL * 7 + 3601) {
    char a[DATE822_MAX], b[64];
    time_t tt = (time_t)t;
    struct tm tm;
    assert_non_null(gmtime_r(&tt, &tm));
    snprintf(b, sizeof b, "%s, %d %s %04d %02d:%02d:%02d +0000", wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    assert_true(date822_utc(a, sizeof a, tt) > 0);
    assert_string_equal(a, b);
  }
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(dates),
    cmocka_unit_test(against_gmtime),
)
