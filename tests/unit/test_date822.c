/* Unit tests for src/sk/date822.c: RFC 5322 dates in UTC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "sk/date822.h"

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

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(dates),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
