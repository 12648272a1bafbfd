/* Unit tests for src/common/control.c: control files as operators write
 * them, a last line without its LF included (found by tests/fuzz: the
 * item's NUL was written one byte past the buffer). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/control.h"
#include "unit.h"

static char fn[] = "/tmp/posta-test-control-XXXXXX";

static void put(char const *s, size_t n)
{
  FILE *f = fopen(fn, "w");
  assert_non_null(f);
  assert_int_equal(fwrite(s, 1, n, f), n);
  fclose(f);
}

static int setup(void **state)
{
  int fd = mkstemp(fn);
  if (fd < 0) return -1;
  close(fd);
  return 0;
}

static int teardown(void **state)
{
  return unlink(fn);
}

/* A file of the n bytes s reads as the items want, joined by '|'. */
static void expect_items(char const *s, size_t n, char const *want)
{
  char out[256];
  char *buf;
  size_t len, pos = 0;
  char const *it;
  put(s, n);
  assert_int_equal(control_lines(fn, 1 << 16, &buf, &len), 1);
  out[0] = 0;
  while ((it = control_next(buf, len, &pos))) {
    if (out[0]) strncat(out, "|", sizeof out - strlen(out) - 1);
    strncat(out, it, sizeof out - strlen(out) - 1);
  }
  free(buf);
  assert_string_equal(out, want);
}

static void last_line_without_lf(void **state)
{
  expect_items("a", 1, "a");
  expect_items("example.com\nexample.net", 23, "example.com|example.net");
  expect_items("x\n  y \t", 7, "x|y");
}

static void comments_blanks_nul(void **state)
{
  expect_items("# c\n\n one \r\nt\0wo\nthree\n", 23, "one|three");
  expect_items("", 0, "");
}

static void first_line(void **state)
{
  char buf[8];
  unsigned long v;
  put("12345678901\nx", 13);
  assert_int_equal(control_line(fn, buf, sizeof buf, 0), 1);
  assert_string_equal(buf, "1234567");
  assert_int_equal(control_ulong(fn, &v, 3), 1);
  assert_int_equal(v, 12345678901UL);
  put("99", 2);
  assert_int_equal(control_ulong(fn, &v, 3), 1);
  assert_int_equal(v, 99);
  put("9x\n", 3);
  assert_int_equal(control_ulong(fn, &v, 3), -1);
  assert_int_equal(errno, EINVAL);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(last_line_without_lf),
    cmocka_unit_test(comments_blanks_nul),
    cmocka_unit_test(first_line),
)
