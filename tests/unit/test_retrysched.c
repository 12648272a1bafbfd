/* Unit tests for src/posta-send/retrysched.c: control/retryschedule and the
 * arithmetic of the next attempt. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsfix.h"
#include "posta-send/retrysched.h"
#include "unit.h"

static char dir[] = "/tmp/posta-test-retrysched-XXXXXX";

static int setup(void **state) { return fsfix_enter_mkdir(dir, "control", 0755); }
static int teardown(void **state) { return fsfix_remove(dir); }

static void defaults(void **state)
{
  retrysched r;
  unlink("control/retryschedule");
  assert_int_equal(retrysched_load(&r, "control/retryschedule"), 0);
  assert_int_equal(r.n, 6);
  assert_int_equal(retrysched_delay(&r, 1), 60);
  assert_int_equal(retrysched_delay(&r, 2), 300);
  assert_int_equal(retrysched_delay(&r, 6), 3600);
  /* the last step repeats */
  assert_int_equal(retrysched_delay(&r, 7), 3600);
  assert_int_equal(retrysched_delay(&r, 1000000), 3600);
  /* 0 attempts counts as the first */
  assert_int_equal(retrysched_delay(&r, 0), 60);
  assert_int_equal(retrysched_next(&r, 1700000000, 2), 1700000300);
}

static void from_file(void **state)
{
  retrysched r;
  write_file("control/retryschedule", "# fast\n1\n\n2\n 5 \n");
  assert_int_equal(retrysched_load(&r, "control/retryschedule"), 0);
  assert_int_equal(r.n, 3);
  assert_int_equal(retrysched_delay(&r, 1), 1);
  assert_int_equal(retrysched_delay(&r, 2), 2);
  assert_int_equal(retrysched_delay(&r, 3), 5);
  assert_int_equal(retrysched_delay(&r, 99), 5);
}

static void bad_files_change_nothing(void **state)
{
  static char const *const bad[] = {
    "60\nsoon\n", "0\n", "-5\n", "604801\n", "99999999999999999999\n", "# only a comment\n", "1.5\n",
  };
  retrysched r;
  retrysched_default(&r);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    write_file("control/retryschedule", bad[i]);
    errno = 0;
    assert_int_equal(retrysched_load(&r, "control/retryschedule"), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(r.n, 6);
    assert_int_equal(retrysched_delay(&r, 1), 60);
  }
}

static void too_many_lines(void **state)
{
  char buf[RETRYSCHED_MAX * 4 + 16] = "";
  retrysched r;
  for (int i = 0; i < RETRYSCHED_MAX; i++) strcat(buf, "7\n");
  write_file("control/retryschedule", buf);
  assert_int_equal(retrysched_load(&r, "control/retryschedule"), 0);
  assert_int_equal(r.n, RETRYSCHED_MAX);
  strcat(buf, "8\n");
  write_file("control/retryschedule", buf);
  assert_int_equal(retrysched_load(&r, "control/retryschedule"), -1);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(defaults),
    cmocka_unit_test(from_file),
    cmocka_unit_test(bad_files_change_nothing),
    cmocka_unit_test(too_many_lines),
)
