/* Unit tests for src/sk/dotqmail.c: the dot-qmail cascade and the
 * RCPT-time existence check. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sk/dotqmail.h"
#include "unit.h"

/* Checks the whole cascade: names[i] with its DEFAULT offset dflt[i]. */
static void cascade(char const *dash, char const *ext, char const *const *names, long const *dflt)
{
  dotqmail_iter it;
  char buf[256];
  long d;
  size_t i = 0;
  dotqmail_start(&it, dash, ext);
  while (dotqmail_next(&it, buf, sizeof buf, &d) == 1) {
    assert_non_null(names[i]);
    assert_string_equal(buf, names[i]);
    assert_int_equal(d, dflt[i]);
    i++;
  }
  assert_null(names[i]);
}

static void plain(void **state)
{
  static char const *const n[] = { ".qmail", 0 };
  static long const d[] = { -1 };
  cascade("", "", n, d);
}

static void extensions(void **state)
{
  static char const *const n1[] = { ".qmail-foo", ".qmail-default", 0 };
  static long const d1[] = { -1, 0 };
  cascade("-", "foo", n1, d1);
  static char const *const n2[] = { ".qmail-foo-bar-baz", ".qmail-foo-bar-default", ".qmail-foo-default", ".qmail-default", 0 };
  static long const d2[] = { -1, 8, 4, 0 };
  cascade("-", "foo-bar-baz", n2, d2);
  /* an extension ending in '-': its own -default comes first */
  static char const *const n3[] = { ".qmail-foo-", ".qmail-foo-default", ".qmail-default", 0 };
  static long const d3[] = { -1, 4, 0 };
  cascade("-", "foo-", n3, d3);
  /* "user-": an empty extension */
  static char const *const n4[] = { ".qmail-", ".qmail-default", 0 };
  static long const d4[] = { -1, 0 };
  cascade("-", "", n4, d4);
}

static void file_names_are_safe(void **state)
{
  /* lower case; '.' and '/' never reach a file name */
  static char const *const n[] = { ".qmail-a:b-:::x", ".qmail-a:b-default", ".qmail-default", 0 };
  static long const d[] = { -1, 4, 0 };
  cascade("-", "A.b-../X", n, d);
  dotqmail_iter it;
  char small[12];
  dotqmail_start(&it, "-", "much-too-long");
  assert_int_equal(dotqmail_next(&it, small, sizeof small, 0), -1);
}

static void exists(void **state)
{
  char dir[] = "/tmp/posta-test-dotqmail-XXXXXX";
  char fn[128];
  assert_non_null(mkdtemp(dir));
  assert_int_equal(dotqmail_exists(dir, "-", "foo-bar"), 0);
  snprintf(fn, sizeof fn, "%s/.qmail-foo-default", dir);
  FILE *f = fopen(fn, "w");
  assert_non_null(f);
  fclose(f);
  assert_int_equal(dotqmail_exists(dir, "-", "foo-bar"), 1);
  assert_int_equal(dotqmail_exists(dir, "-", "Foo-X"), 1);
  assert_int_equal(dotqmail_exists(dir, "-", "foobar"), 0);
  assert_int_equal(dotqmail_exists("/nonexistent/home", "-", "x"), 0);
  unlink(fn);
  rmdir(dir);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(plain),
    cmocka_unit_test(extensions),
    cmocka_unit_test(file_names_are_safe),
    cmocka_unit_test(exists),
)
