/* Unit tests for src/posta-user/impline.c, a line of posta-user import's
 * file: an address alone or with a hash, blank and comment lines, spaces
 * and a CR around it, case folded; refused: a bad address, an empty or
 * clear-text "hash", one with a space, a NUL, or too long. And imptab.c's
 * repeats and lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "posta-user/user.h"

#define HASH "$y$j9T$7Ep/WqYs707Nnc6OQef.2/$4sVOYPPHA8T8m2RDxi05VZIOkF2dHdmUFrQr8lQKclD"

static int parse(char const *s, impline *l, char const **why)
{
  return impline_parse(s, strlen(s), l, why);
}

static void test_good(void **state)
{
  impline l;
  char const *why;
  assert_int_equal(parse("Alice@Example.COM", &l, &why), 1);
  assert_string_equal(l.addr, "alice@example.com");
  assert_int_equal(l.at, 5);
  assert_string_equal(l.hash, "");
  assert_int_equal(parse("  bob@x.example:" HASH " \r", &l, &why), 1);
  assert_string_equal(l.addr, "bob@x.example");
  assert_string_equal(l.hash, HASH);
  assert_int_equal(parse("c@x.example:$6$salt$abc", &l, &why), 1);
  assert_string_equal(l.hash, "$6$salt$abc");
}

static void test_skipped(void **state)
{
  impline l;
  char const *why;
  assert_int_equal(parse("", &l, &why), 0);
  assert_int_equal(parse(" \t\r", &l, &why), 0);
  assert_int_equal(parse("# alice@x.example", &l, &why), 0);
  assert_int_equal(parse("  # indented", &l, &why), 0);
}

static void test_bad(void **state)
{
  impline l;
  char const *why = 0;
  char const *bad[] = {
    "alice", "@x.example", "a..b@x.example", "a/b@x.example", "a@x_y",
    "a@x.example:", "a@x.example:secret", "a@x.example:abXb2bT3zY5XI",
    "a@x.example:$y$j9T$a b", "a@x.example:$6$s$a:b", "a b@x.example",
    "a@x.example::" HASH,
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    why = 0;
    assert_int_equal(parse(bad[i], &l, &why), -1);
    assert_non_null(why);
  }
  char nul[] = "a@x.example:$6$s\0x";
  assert_int_equal(impline_parse(nul, sizeof nul - 1, &l, &why), -1);
  char nul2[] = "a\0@x.example";
  assert_int_equal(impline_parse(nul2, sizeof nul2 - 1, &l, &why), -1);
  char long_hash[400] = "a@x.example:$6$";
  memset(long_hash + strlen(long_hash), 'a', 300);
  assert_int_equal(parse(long_hash, &l, &why), -1);
  char long_addr[400];
  memset(long_addr, 'a', 300);
  strcpy(long_addr + 300, "@x.example");
  assert_int_equal(parse(long_addr, &l, &why), -1);
}

static void test_table(void **state)
{
  imptab t = IMPTAB_ZERO;
  unsigned first = 0;
  assert_int_equal(imptab_add(&t, "b@x", 1, HASH, 1), 0);
  assert_int_equal(imptab_add(&t, "a@x", 1, "", 2), 0);
  assert_int_equal(imptab_add(&t, "c@x", 1, 0, 3), 0);
  imptab_sort(&t);
  assert_int_equal(imptab_repeat(&t, &first), 0);
  assert_string_equal(imptab_addr(&t, t.e), "a@x");
  impent *e = imptab_find(&t, "b@xyz", 3);
  assert_non_null(e);
  assert_string_equal(imptab_hash(&t, e), HASH);
  assert_string_equal(imptab_hash(&t, imptab_find(&t, "a@x", 3)), "");
  assert_null(imptab_find(&t, "b@", 2));
  assert_null(imptab_find(&t, "b@xx", 4));
  assert_null(imptab_find(&t, "0", 1));
  assert_null(imptab_find(&t, "d@x", 3));
  /* repeats: the first repeating line in file order, and the one before */
  assert_int_equal(imptab_add(&t, "c@x", 1, 0, 9), 0);
  assert_int_equal(imptab_add(&t, "a@x", 1, 0, 5), 0);
  assert_int_equal(imptab_add(&t, "a@x", 1, 0, 7), 0);
  imptab_sort(&t);
  assert_int_equal(imptab_repeat(&t, &first), 5);
  assert_int_equal(first, 2);
  imptab_unique(&t);
  assert_int_equal(t.n, 3);
  assert_int_equal(t.e[0].line, 2);
  imptab_free(&t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_good),
    cmocka_unit_test(test_skipped),
    cmocka_unit_test(test_bad),
    cmocka_unit_test(test_table),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
