/* Unit tests for src/common/mdsize.c: the maildirsize text (Maildir++):
 * quota definitions, usage lines, what counts as malformed, over quota. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/mdsize.h"
#include "unit.h"

static int setup(void **state) { return 0; }
static int teardown(void **state) { return 0; }

static int parse(char const *s, mdsize *m) { return mdsize_parse(s, strlen(s), m); }

static void definitions(void **state)
{
  mdsize m;
  char buf[MDSIZE_DEF_MAX];
  assert_int_equal(mdsize_def("1000S", 5, &m), 0);
  assert_true(m.qbytes == 1000 && m.qcount == 0);
  assert_int_equal(mdsize_def("10C,2000S", 9, &m), 0);
  assert_true(m.qbytes == 2000 && m.qcount == 10);
  assert_int_equal(mdsize_fmtdef(buf, &m), 9);
  assert_string_equal(buf, "2000S,10C");
  static char const *const bad[] = { "", "S", "1000", "1000X", "10S,", ",10S", "10S,,5C", "-5S", "1 S",
                                     "99999999999999999999999S", 0 };
  for (unsigned i = 0; bad[i]; i++) assert_int_equal(mdsize_def(bad[i], strlen(bad[i]), &m), -1);
}

static void usage_lines(void **state)
{
  mdsize m;
  assert_int_equal(parse("1000S,5C\n   100     1\n 50 1\n-20 -1\n", &m), 1);
  assert_true(m.bytes == 130 && m.count == 1);
  assert_int_equal(parse("1000S\n", &m), 1);
  assert_true(m.bytes == 0 && m.count == 0);
  /* no quota: a missing or broken first line */
  assert_int_equal(parse("", &m), 0);
  assert_int_equal(parse("1000S", &m), 0);
  assert_int_equal(parse("junk\n1 1\n", &m), 0);
  /* a quota, broken usage: recalculate */
  assert_int_equal(parse("1000S\n1 1", &m), 2);
  assert_int_equal(parse("1000S\nx y\n", &m), 2);
  assert_int_equal(parse("1000S\n1\n", &m), 2);
  assert_int_equal(parse("1000S\n1 1 1\n", &m), 2);
  assert_int_equal(parse("1000S\n99999999999999999999 1\n", &m), 2);
  assert_int_equal(parse("1000S\n2000000000000000000 1\n2000000000000000000 1\n2000000000000000000 1\n", &m), 2);
  assert_int_equal(mdsize_parse("1000S\n1\0001\n", 11, &m), 2);
}

static void over(void **state)
{
  mdsize m = { .qbytes = 100, .qcount = 2, .bytes = 60, .count = 1 };
  assert_int_equal(mdsize_over(&m, 40, 1), 0);
  assert_int_equal(mdsize_over(&m, 41, 1), 1);
  m.count = 2;
  assert_int_equal(mdsize_over(&m, 1, 1), 1);
  assert_int_equal(mdsize_over(&m, 0, 0), 0);
  m.qcount = 0;
  assert_int_equal(mdsize_over(&m, 1, 1), 0);
  /* a negative sum (deletions counted twice) is taken as empty */
  m.bytes = -500;
  assert_int_equal(mdsize_over(&m, 100, 1), 0);
  m.qbytes = 0;
  assert_int_equal(mdsize_over(&m, UINT32_MAX, 1), 0);
}

UNIT_MAIN(setup, teardown, cmocka_unit_test(definitions), cmocka_unit_test(usage_lines), cmocka_unit_test(over))
