/* Unit tests for src/posta-local/result.c: the result a failing step
 * leaves for local_main (code, status, cleaned text) and the line made of
 * it, cut so that it stays within RESULT_TEXT_MAX bytes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "posta-local/result.h"
#include "unit.h"

static void pieces_and_status(void **state)
{
  local_result r;
  char line[RESULT_TEXT_MAX + 2];
  assert_int_equal(result_set(&r, 111, "4.2.1", "unable to open ", "x\r\ny", ": here"), -1);
  assert_int_equal(r.code, 111);
  assert_string_equal(r.status, "4.2.1");
  assert_string_equal(r.text, "unable to open x y: here");
  size_t n = result_line(&r, line);
  assert_int_equal(n, strlen("unable to open x y: here (#4.2.1)\n"));
  assert_memory_equal(line, "unable to open x y: here (#4.2.1)\n", n);
  result_set(&r, 0, 0, "delivered");
  n = result_line(&r, line);
  assert_memory_equal(line, "delivered\n", n);
  assert_int_equal(n, 10);
}

static void with_errno(void **state)
{
  local_result r;
  errno = ENOENT;
  assert_int_equal(result_setsys(&r, 111, "4.3.0", "unable to read ", "f"), -1);
  assert_string_equal(r.text, "unable to read f: No such file or directory");
  assert_string_equal(result_status_write(EDQUOT), "4.2.2");
  assert_string_equal(result_status_write(ENOSPC), "4.3.1");
  assert_string_equal(result_status_write(EIO), "4.3.0");
}

static void long_text_cut(void **state)
{
  local_result r;
  char big[3000], line[RESULT_TEXT_MAX + 2];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = 0;
  result_set(&r, 100, "5.3.0", "program failed: ", big);
  size_t n = result_line(&r, line);
  assert_true(n <= RESULT_TEXT_MAX);
  assert_memory_equal(line + n - 10, " (#5.3.0)\n", 10);
}

UNIT_MAIN(NULL, NULL,
    cmocka_unit_test(pieces_and_status),
    cmocka_unit_test(with_errno),
    cmocka_unit_test(long_text_cut),
)
