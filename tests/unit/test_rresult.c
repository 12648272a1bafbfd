/* Unit tests for src/posta-remote/rresult.c: RESULT lines have the form of
 * doc/protocols.md, and never carry a control character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "posta-remote/rresult.h"

static void status_from_reply(void **state)
{
  char st[RESULT_STATUS_MAX];
  result_status(st, 550, "550 5.1.1 <bob@example.net>: no such user");
  assert_string_equal(st, "5.1.1");
  result_status(st, 550, "550-5.7.1 policy");
  assert_string_equal(st, "5.7.1");
  result_status(st, 250, "250 2.6.0 queued");
  assert_string_equal(st, "2.6.0");
  result_status(st, 451, "451 4.123.456 x");
  assert_string_equal(st, "4.123.456");
}

static void status_defaults(void **state)
{
  char st[RESULT_STATUS_MAX];
  result_status(st, 550, "550 no such user");
  assert_string_equal(st, "5.0.0");
  result_status(st, 451, "451 5.1.1 class disagrees");
  assert_string_equal(st, "4.0.0");
  result_status(st, 250, "250");
  assert_string_equal(st, "2.0.0");
  result_status(st, 550, "550 5.1234.1 too long");
  assert_string_equal(st, "5.0.0");
  result_status(st, 550, "550 5.1.1x glued");
  assert_string_equal(st, "5.0.0");
  result_status(st, 550, "550 5..1 empty");
  assert_string_equal(st, "5.0.0");
}

static void format_line(void **state)
{
  char line[RESULT_LINE_MAX];
  result_format(line, sizeof line, 'K', "2.0.0", "mx.example.net[192.0.2.1]", "250 ok");
  assert_string_equal(line, "K2.0.0 mx.example.net[192.0.2.1] 250 ok");
  result_format(line, sizeof line, 'D', "5.1.1", 0, "550\r\nbad\001x");
  assert_string_equal(line, "D5.1.1 - 550  bad x");
  /* a status of the wrong class is replaced */
  result_format(line, sizeof line, 'Z', "5.1.1", "-", "x");
  assert_string_equal(line, "Z4.0.0 - x");
  result_format(line, sizeof line, 'K', "garbage", "-", "x");
  assert_string_equal(line, "K2.0.0 - x");
}

static void text_bounded(void **state)
{
  char text[3000], line[RESULT_LINE_MAX];
  memset(text, 'x', sizeof text - 1);
  text[sizeof text - 1] = 0;
  size_t n = result_format(line, sizeof line, 'Z', "4.4.1", "-", text);
  assert_int_equal(n, strlen("Z4.4.1 - ") + RESULT_TEXT_MAX);
  char small[64];
  n = result_format(small, sizeof small, 'Z', "4.4.1", "-", text);
  assert_int_equal(n, sizeof small - 1);
  assert_int_equal(strlen(small), sizeof small - 1);
}

static void mta_one_word(void **state)
{
  char mta[RESULT_MTA_MAX];
  result_mta(mta, "mx.example.net", "192.0.2.1");
  assert_string_equal(mta, "mx.example.net[192.0.2.1]");
  result_mta(mta, "", "2001:db8::1");
  assert_string_equal(mta, "[2001:db8::1]");
  result_mta(mta, "bad name\n", "1.2.3.4");
  assert_string_equal(mta, "bad_name_[1.2.3.4]");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(status_from_reply),
    cmocka_unit_test(status_defaults),
    cmocka_unit_test(format_line),
    cmocka_unit_test(text_bounded),
    cmocka_unit_test(mta_one_word),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
