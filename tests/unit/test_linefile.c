/* Unit tests for src/posta-user/linefile.c: a missing file reads as
 * nothing, a file's lines are appended whole, and a last line without its
 * newline gets one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsfix.h"
#include <skalibs/stralloc.h>

#include "posta-user/user.h"
#include "unit.h"

static char dir[64];

static int setup(void **state)
{
  (void)state;
  strcpy(dir, "/tmp/posta-test-linefile-XXXXXX");
  return fsfix_enter(dir);
}

static int teardown(void **state)
{
  (void)state;
  return fsfix_remove(dir);
}

static void test_missing(void **state)
{
  (void)state;
  stralloc sa = STRALLOC_ZERO;
  assert_int_equal(linefile_read("nothing", 100, &sa), 0);
  assert_int_equal(sa.len, 0);
}

static void test_lines(void **state)
{
  (void)state;
  stralloc sa = STRALLOC_ZERO;
  write_file("ended", "a\nb\n");
  write_file("unended", "c\nd");
  write_file("empty", "");
  assert_true(stralloc_cats(&sa, "x\n"));
  assert_int_equal(linefile_read("ended", 100, &sa), 1);
  assert_int_equal(linefile_read("unended", 100, &sa), 1);
  assert_int_equal(linefile_read("empty", 100, &sa), 1);
  assert_int_equal(sa.len, 10);
  assert_memory_equal(sa.s, "x\na\nb\nc\nd\n", 10);
  stralloc_free(&sa);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(test_missing),
    cmocka_unit_test(test_lines),
)
