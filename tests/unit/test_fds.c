/* test_fds: fds_close_from closes every descriptor from its number on and
 * none below it. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/fds.h"
#include "unit.h"

static void closes_from_and_keeps_below(void **state)
{
  int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY);
  int high = fcntl(a, F_DUPFD, 200);
  assert_true(a >= 0 && b > a && high >= 200);
  fds_close_from(b);
  assert_true(fcntl(a, F_GETFD) >= 0);
  assert_int_equal(fcntl(b, F_GETFD), -1);
  assert_int_equal(fcntl(high, F_GETFD), -1);
  close(a);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(closes_from_and_keeps_below),
)
