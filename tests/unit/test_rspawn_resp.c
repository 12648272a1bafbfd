/* Unit tests for src/posta-rspawn/rspawn_resp.c: one RESULT per recipient,
 * whatever posta-remote printed, crashed or not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "posta-rspawn/rspawn_resp.h"
#include "unit.h"

#define MISSING "Z4.3.0 - posta-remote crashed"

/* The fields of a response, in order. */
static size_t fields(char const *p, size_t len, char const **f, size_t max)
{
  size_t n = 0, i = 0;
  while (i < len && n < max) {
    f[n++] = p + i;
    i += strlen(p + i) + 1;
  }
  assert_int_equal(i, len);
  return n;
}

static void all_lines(void **state)
{
  char out[8192];
  char const *f[8];
  char const o[] = "K2.0.0 mx[192.0.2.1] 250 ok\nD5.1.1 mx[192.0.2.1] 550 5.1.1 no\n";
  size_t n = rspawn_resp_build(out, 7, 2, o, sizeof o - 1, MISSING);
  assert_true(n <= rspawn_resp_size(2));
  assert_int_equal(fields(out, n, f, 8), 3);
  assert_string_equal(f[0], "7");
  assert_string_equal(f[1], "K2.0.0 mx[192.0.2.1] 250 ok");
  assert_string_equal(f[2], "D5.1.1 mx[192.0.2.1] 550 5.1.1 no");
}

static void missing_lines(void **state)
{
  char out[8192];
  char const *f[8];
  char const o[] = "K2.0.0 mx[192.0.2.1] 250 ok\nK2.0.0 mx[192.0.2.1] 250 o";   /* cut short */
  size_t n = rspawn_resp_build(out, 0, 3, o, sizeof o - 1, MISSING);
  assert_int_equal(fields(out, n, f, 8), 4);
  assert_string_equal(f[1], "K2.0.0 mx[192.0.2.1] 250 ok");
  assert_string_equal(f[2], MISSING);
  assert_string_equal(f[3], MISSING);
  n = rspawn_resp_build(out, 0, 1, "", 0, MISSING);
  assert_int_equal(fields(out, n, f, 8), 2);
  assert_string_equal(f[1], MISSING);
}

static void invalid_lines_replaced(void **state)
{
  char out[8192];
  char const *f[12];
  char const o[] =
    "K5.0.0 - class disagrees\n"
    "X2.0.0 - bad code\n"
    "K2.0 - short status\n"
    "K2.0.0\n"
    "K2.0.0 mta-without-text\n"
    "\n"
    "Z4.4.1 - fine\r with CR\n"
    "D5.1.10 mx[::1] 550 ok status\n";
  size_t n = rspawn_resp_build(out, 1, 8, o, sizeof o - 1, MISSING);
  assert_int_equal(fields(out, n, f, 12), 9);
  for (int i = 1; i <= 6; i++) assert_string_equal(f[i], "Z4.3.0 - posta-remote wrote an unreadable result");
  assert_string_equal(f[7], "Z4.4.1 - fine  with CR");
  assert_string_equal(f[8], "D5.1.10 mx[::1] 550 ok status");
}

static void long_lines_cut(void **state)
{
  size_t big = 5000;
  char *o = malloc(big + 1);
  memcpy(o, "Z4.0.0 - ", 9);
  memset(o + 9, 'x', big - 10);
  o[big - 1] = '\n';
  char *out = malloc(rspawn_resp_size(1));
  char const *f[4];
  size_t n = rspawn_resp_build(out, 2, 1, o, big, MISSING);
  assert_true(n <= rspawn_resp_size(1));
  assert_int_equal(fields(out, n, f, 4), 2);
  assert_int_equal(strlen(f[1]), RSPAWN_LINE_MAX);
  free(o);
  free(out);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(all_lines),
    cmocka_unit_test(missing_lines),
    cmocka_unit_test(invalid_lines_replaced),
    cmocka_unit_test(long_lines_cut),
)
