/* Unit tests for src/sk/qmarktool.c: the options the three queue tools
 * share (-t seconds, -r where the tool has it), and that a home that cannot
 * be entered gives 111 before anything is asked of posta-send. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <skalibs/strerr.h>

#include "common/cmdrec.h"
#include "sk/qmarktool.h"

static int opts(char const *const *argv, char const *spec, char *op, unsigned *wait)
{
  int argc = 0;
  while (argv[argc]) argc++;
  return qmarktool_options(argc, argv, spec, op, wait);
}

static void test_wait_and_ids(void **state)
{
  (void)state;
  char const *argv[] = { "posta-qrm", "-t", "3", "12", "13", 0 };
  char op = CMDREC_REMOVE;
  unsigned wait = QMARK_WAIT_DEFAULT;
  assert_int_equal(opts(argv, "t:", &op, &wait), 3);
  assert_int_equal(wait, 3);
  assert_int_equal(op, CMDREC_REMOVE);
}

static void test_no_options(void **state)
{
  (void)state;
  char const *argv[] = { "posta-qflush", 0 };
  char op = CMDREC_FLUSH;
  unsigned wait = QMARK_WAIT_DEFAULT;
  assert_int_equal(opts(argv, "t:", &op, &wait), 1);
  assert_int_equal(wait, QMARK_WAIT_DEFAULT);
  assert_int_equal(op, CMDREC_FLUSH);
}

static void test_release(void **state)
{
  (void)state;
  char const *argv[] = { "posta-qhold", "-r", "-t0", "12", 0 };
  char op = CMDREC_HOLD;
  unsigned wait = QMARK_WAIT_DEFAULT;
  assert_int_equal(opts(argv, "rt:", &op, &wait), 3);
  assert_int_equal(op, CMDREC_RELEASE);
  assert_int_equal(wait, 0);
}

/* -r is only for the tool that names it; a bad -t is a usage error. */
static void test_refused(void **state)
{
  (void)state;
  char const *r[] = { "posta-qrm", "-r", "12", 0 };
  char const *t1[] = { "posta-qrm", "-t", "x", "12", 0 };
  char const *t2[] = { "posta-qrm", "-t", "5s", "12", 0 };
  char const *t3[] = { "posta-qrm", "-t", "", "12", 0 };
  char op = CMDREC_REMOVE;
  unsigned wait = QMARK_WAIT_DEFAULT;
  assert_int_equal(opts(r, "t:", &op, &wait), -1);
  assert_int_equal(op, CMDREC_REMOVE);
  assert_int_equal(opts(t1, "t:", &op, &wait), -1);
  assert_int_equal(opts(t2, "t:", &op, &wait), -1);
  assert_int_equal(opts(t3, "t:", &op, &wait), -1);
}

static void test_no_home(void **state)
{
  (void)state;
  char const *ids[] = { "12", 0 };
  setenv("POSTA_HOME", "/nonexistent/posta-test-qmarktool", 1);
  assert_int_equal(qmarktool_run(CMDREC_HOLD, ids, 0), 111);
}

/* The tools' mains: a usage error is 100 before the home is looked at;
 * a flush needs no id (it means all), the others do. */
static void test_main_usage(void **state)
{
  (void)state;
  char const *rm[] = { "posta-qrm", 0 };
  char const *hold[] = { "posta-qhold", "-r", 0 };
  char const *rmr[] = { "posta-qrm", "-r", "12", 0 };
  char const *flush[] = { "posta-qflush", 0 };
  setenv("POSTA_HOME", "/nonexistent/posta-test-qmarktool", 1);
  assert_int_equal(qmarktool_main(1, rm, CMDREC_REMOVE, "t:", "u"), 100);
  assert_int_equal(qmarktool_main(2, hold, CMDREC_HOLD, "rt:", "u"), 100);
  assert_int_equal(qmarktool_main(3, rmr, CMDREC_REMOVE, "t:", "u"), 100);
  assert_int_equal(qmarktool_main(1, flush, CMDREC_FLUSH, "t:", "u"), 111);
}

int main(void)
{
  PROG = "test_qmarktool";
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_wait_and_ids),
    cmocka_unit_test(test_no_options),
    cmocka_unit_test(test_release),
    cmocka_unit_test(test_refused),
    cmocka_unit_test(test_no_home),
    cmocka_unit_test(test_main_usage),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
