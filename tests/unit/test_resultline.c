/* Unit tests for src/posta-remote/resultline.c: RESULT lines have the form of
 * doc/protocols.md, and never carry a control character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "posta-remote/resultline.h"
#include "unit.h"

typedef struct status_case_s status_case;
struct status_case_s {
  unsigned code;
  char const *reply;
  char const *want;
};

static void check_status(status_case const *v, size_t n)
{
  char st[RESULT_STATUS_MAX];
  for (size_t i = 0; i < n; i++) {
    resultline_status(st, v[i].code, v[i].reply);
    if (strcmp(st, v[i].want)) fail_msg("%u \"%s\": %s, not %s", v[i].code, v[i].reply, st, v[i].want);
  }
}

static void status_from_reply(void **state)
{
  static status_case const v[] = {
    { 550, "550 5.1.1 <bob@example.net>: no such user", "5.1.1" },
    { 550, "550-5.7.1 policy", "5.7.1" },
    { 250, "250 2.6.0 queued", "2.6.0" },
    { 451, "451 4.123.456 x", "4.123.456" },
  };
  check_status(v, sizeof v / sizeof v[0]);
}

static void status_defaults(void **state)
{
  static status_case const v[] = {
    { 550, "550 no such user", "5.0.0" },
    { 451, "451 5.1.1 class disagrees", "4.0.0" },
    { 250, "250", "2.0.0" },
    { 550, "550 5.1234.1 too long", "5.0.0" },
    { 550, "550 5.1.1x glued", "5.0.0" },
    { 550, "550 5..1 empty", "5.0.0" },
  };
  char st[RESULT_STATUS_MAX];
  check_status(v, sizeof v / sizeof v[0]);
  assert_int_equal(resultline_status(st, 421, "421 closing"), 0);
  assert_string_equal(st, "4.3.2");
  assert_int_equal(resultline_status(st, 421, "421 4.7.0 go away"), 1);
  assert_string_equal(st, "4.7.0");
}

static void format_line(void **state)
{
  char line[RESULT_LINE_MAX];
  resultline_format(line, sizeof line, 'K', "2.0.0", "mx.example.net[192.0.2.1]", "250 ok");
  assert_string_equal(line, "K2.0.0 mx.example.net[192.0.2.1] 250 ok");
  resultline_format(line, sizeof line, 'D', "5.1.1", 0, "550\r\nbad\001x");
  assert_string_equal(line, "D5.1.1 - 550  bad x");
  /* a status of the wrong class is replaced */
  resultline_format(line, sizeof line, 'Z', "5.1.1", "-", "x");
  assert_string_equal(line, "Z4.0.0 - x");
  resultline_format(line, sizeof line, 'K', "garbage", "-", "x");
  assert_string_equal(line, "K2.0.0 - x");
}

static void text_bounded(void **state)
{
  char text[3000], line[RESULT_LINE_MAX];
  memset(text, 'x', sizeof text - 1);
  text[sizeof text - 1] = 0;
  size_t n = resultline_format(line, sizeof line, 'Z', "4.4.1", "-", text);
  assert_int_equal(n, strlen("Z4.4.1 - ") + RESULT_TEXT_MAX);
  char small[64];
  n = resultline_format(small, sizeof small, 'Z', "4.4.1", "-", text);
  assert_int_equal(n, sizeof small - 1);
  assert_int_equal(strlen(small), sizeof small - 1);
}

static void mta_one_word(void **state)
{
  char mta[RESULT_MTA_MAX];
  resultline_mta(mta, "mx.example.net", "192.0.2.1");
  assert_string_equal(mta, "mx.example.net[192.0.2.1]");
  resultline_mta(mta, "", "2001:db8::1");
  assert_string_equal(mta, "[2001:db8::1]");
  resultline_mta(mta, "bad name\n", "1.2.3.4");
  assert_string_equal(mta, "bad?name?[1.2.3.4]");
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(status_from_reply),
    cmocka_unit_test(status_defaults),
    cmocka_unit_test(format_line),
    cmocka_unit_test(text_bounded),
    cmocka_unit_test(mta_one_word),
)
