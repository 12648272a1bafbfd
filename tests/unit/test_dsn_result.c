/* Unit tests for src/common/dsn_result.c: RESULT lines taken apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "unit.h"

#include "common/dsn.h"
#include "common/dsn_part.h"

static void parse_remote(void **state)
{
  dsn_result r;
  char const *host;
  dsn_result_parse("D5.1.1 mx.example.net[192.0.2.1] 550 5.1.1 <bob@example.net>: no such user", DSN_FAILED, &r);
  assert_int_equal(r.code, 'D');
  assert_string_equal(r.status, "5.1.1");
  assert_int_equal(r.mtalen, 25);
  assert_memory_equal(r.mta, "mx.example.net[192.0.2.1]", 25);
  assert_string_equal(r.text, "550 5.1.1 <bob@example.net>: no such user");
  assert_true(dsn_result_remote(&r));
  assert_true(dsn_result_smtp(&r));
  assert_int_equal(dsn_result_host(&r, &host), 14);
  assert_memory_equal(host, "mx.example.net", 14);
}

static void parse_local(void **state)
{
  dsn_result r;
  dsn_result_parse("D5.2.2 - mailbox full", DSN_FAILED, &r);
  assert_int_equal(r.code, 'D');
  assert_string_equal(r.status, "5.2.2");
  assert_false(dsn_result_remote(&r));
  assert_false(dsn_result_smtp(&r));
  assert_string_equal(r.text, "mailbox full");
}

static void parse_remote_not_smtp(void **state)
{
  dsn_result r;
  char const *host;
  dsn_result_parse("Z4.4.2 [192.0.2.9] connection dropped after DATA", DSN_DELAYED, &r);
  assert_int_equal(r.code, 'Z');
  assert_true(dsn_result_remote(&r));
  assert_false(dsn_result_smtp(&r));
  /* no name: the whole mta stands for the host */
  assert_int_equal(dsn_result_host(&r, &host), 11);
  assert_memory_equal(host, "[192.0.2.9]", 11);
}

static void parse_three_digit_status(void **state)
{
  dsn_result r;
  dsn_result_parse("D5.123.456 - odd but valid", DSN_FAILED, &r);
  assert_string_equal(r.status, "5.123.456");
  assert_string_equal(r.text, "odd but valid");
}

static void parse_short_forms(void **state)
{
  dsn_result r;
  dsn_result_parse("Z4.4.1", DSN_DELAYED, &r);
  assert_int_equal(r.code, 'Z');
  assert_false(dsn_result_remote(&r));
  assert_string_equal(r.text, "");
  dsn_result_parse("Z4.4.1 mx.example.net", DSN_DELAYED, &r);
  assert_true(dsn_result_remote(&r));
  assert_string_equal(r.text, "");
}

static void parse_garbage(void **state)
{
  static char const *const bad[] = {
    "", "X5.1.1 - x", "D5.1 - x", "D3.1.1 - x", "D5.1.1x - x", "D5.1111.1 - x", "D.5.1.1 - x", "D5..1 - x",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    dsn_result r;
    dsn_result_parse(bad[i], DSN_FAILED, &r);
    assert_int_equal(r.code, '?');
    assert_string_equal(r.status, "5.0.0");
    assert_false(dsn_result_remote(&r));
    assert_string_equal(r.text, bad[i]);
    dsn_result_parse(bad[i], DSN_DELAYED, &r);
    assert_string_equal(r.status, "4.0.0");
  }
}

static void smtp_reply_shapes(void **state)
{
  static struct { char const *line; int smtp; } const cases[] = {
    { "D5.0.0 mx[1.2.3.4] 554", 1 },
    { "D5.0.0 mx[1.2.3.4] 554-first line", 1 },
    { "D5.0.0 mx[1.2.3.4] 554x", 0 },
    { "D5.0.0 mx[1.2.3.4] 654 no", 0 },
    { "D5.0.0 mx[1.2.3.4] 55", 0 },
    { "D5.0.0 - 550 from a local program", 0 },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    dsn_result r;
    dsn_result_parse(cases[i].line, DSN_FAILED, &r);
    assert_int_equal(dsn_result_smtp(&r), cases[i].smtp);
  }
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(parse_remote),
    cmocka_unit_test(parse_local),
    cmocka_unit_test(parse_remote_not_smtp),
    cmocka_unit_test(parse_three_digit_status),
    cmocka_unit_test(parse_short_forms),
    cmocka_unit_test(parse_garbage),
    cmocka_unit_test(smtp_reply_shapes),
)
