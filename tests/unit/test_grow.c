/* Unit tests for src/common/grow.c: the first size, doubling until the
 * request fits, nothing done when it already fits, and overflow refused
 * with ENOMEM and the buffer left alone. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "common/grow.h"
#include "unit.h"

static void test_first_then_double(void **state)
{
  (void)state;
  char *s = 0;
  size_t a = 0;
  assert_int_equal(grow_bytes(&s, &a, 0, 10, 256), 0);
  assert_non_null(s);
  assert_int_equal(a, 256);
  assert_int_equal(grow_bytes(&s, &a, 250, 6, 256), 0);   /* fits exactly */
  assert_int_equal(a, 256);
  assert_int_equal(grow_bytes(&s, &a, 250, 7, 256), 0);
  assert_int_equal(a, 512);
  assert_int_equal(grow_bytes(&s, &a, 500, 3000, 256), 0);
  assert_int_equal(a, 4096);
  s[4095] = 'x';
  free(s);
}

static void test_overflow(void **state)
{
  (void)state;
  char *s = 0;
  size_t a = 0;
  assert_int_equal(grow_bytes(&s, &a, 0, 16, 16), 0);
  char *before = s;
  errno = 0;
  assert_int_equal(grow_bytes(&s, &a, 8, SIZE_MAX - 4, 16), -1);
  assert_int_equal(errno, ENOMEM);
  errno = 0;
  assert_int_equal(grow_bytes(&s, &a, 8, SIZE_MAX / 2 + 2, 16), -1);
  assert_int_equal(errno, ENOMEM);
  assert_ptr_equal(s, before);
  assert_int_equal(a, 16);
  free(s);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(test_first_then_double),
    cmocka_unit_test(test_overflow),
)
