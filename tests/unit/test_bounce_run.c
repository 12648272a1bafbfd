/* Unit tests for src/posta-bounce/bounce_run.c: addresses in posta-bounce's
 * log lines are escaped as posta-send's are (doc/log-format.md), so that
 * nothing from a record can end, forge or split a line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "posta-bounce/bounce.h"

static void plain_address_as_is(void **state)
{
  char buf[BOUNCE_LOGADDR_MAX];
  assert_string_equal(bounce_logsafe(buf, sizeof buf, "alice@example.com"), "alice@example.com");
  assert_string_equal(bounce_logsafe(buf, sizeof buf, ""), "");
}

static void hostile_bytes_escaped(void **state)
{
  char buf[BOUNCE_LOGADDR_MAX];
  assert_string_equal(bounce_logsafe(buf, sizeof buf, "a b\r\n<x>\\\x7f\xe9@example.com"),
                      "a\\x20b\\x0d\\x0a\\x3cx\\x3e\\x5c\\x7f\\xe9@example.com");
}

static void cut_when_too_long(void **state)
{
  char buf[16];
  assert_string_equal(bounce_logsafe(buf, sizeof buf, "0123456789abcdefghij"), "0123456789ab...");
  assert_string_equal(bounce_logsafe(buf, sizeof buf, "0123456789\n\n\n"), "0123456789...");
  char big[BOUNCE_LOGADDR_MAX];
  char addr[1025];
  memset(addr, '\n', 1024);
  addr[1024] = 0;
  bounce_logsafe(big, sizeof big, addr);
  assert_int_equal(strlen(big), 4096);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(plain_address_as_is),
    cmocka_unit_test(hostile_bytes_escaped),
    cmocka_unit_test(cut_when_too_long),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
