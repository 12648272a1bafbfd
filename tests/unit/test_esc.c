/* Unit tests for src/common/esc.c: each policy on every byte value (the
 * two rules of doc/log-format.md, spaces, one word), bounded outputs that
 * never split an escape, "..." when cut, and the cases its callers had as
 * their own tests (posta-bounce's log addresses, posta-smtpd's cleaning). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/esc.h"
#include "unit.h"

/* what each policy does to c: 0 kept, 1 hex, 2 replaced */
static int expect(esc_policy p, unsigned c)
{
  int ctl = c < 0x20 || c == 0x7f;
  switch (p) {
  case ESC_ADDR: return c < 0x21 || c > 0x7e || c == '\\' || c == '<' || c == '>';
  case ESC_TEXT: return ctl || c == '\\';
  case ESC_FIELD: return ctl || c == '\\' || c == ' ';
  case ESC_SPACES: return ctl ? 2 : 0;
  case ESC_WORD: return c < 0x21 || c > 0x7e || (c && strchr("()[]\\;", (int)c)) ? 2 : 0;
  }
  return -1;
}

static void every_byte(void **state)
{
  (void)state;
  for (int p = ESC_ADDR; p <= ESC_WORD; p++)
    for (unsigned c = 0; c < 256; c++) {
      char e[ESC_MAX], want[8];
      size_t n = esc_byte(e, (unsigned char)c, (esc_policy)p);
      int x = expect((esc_policy)p, c);
      if (x == 1) snprintf(want, sizeof want, "\\x%02x", c);
      else if (x == 2) snprintf(want, sizeof want, "%c", p == ESC_SPACES ? ' ' : '?');
      else snprintf(want, sizeof want, "%c", (int)c);
      assert_int_equal(n, x == 1 ? 4 : 1);
      assert_memory_equal(e, want, n);
    }
}

static void log_rules(void **state)
{
  (void)state;
  char buf[256];
  assert_string_equal(esc_str(buf, sizeof buf, "alice@example.com", ESC_ADDR), "alice@example.com");
  assert_string_equal(esc_str(buf, sizeof buf, "", ESC_ADDR), "");
  assert_string_equal(esc_str(buf, sizeof buf, "a b\r\n<x>\\\x7f\xe9@example.com", ESC_ADDR),
                      "a\\x20b\\x0d\\x0a\\x3cx\\x3e\\x5c\\x7f\\xe9@example.com");
  assert_string_equal(esc_str(buf, sizeof buf, "250 ok <x> \xe9\\\r\n", ESC_TEXT), "250 ok <x> \xe9\\x5c\\x0d\\x0a");
  assert_string_equal(esc_str(buf, sizeof buf, " a b\t", ESC_FIELD), "\\x20a\\x20b\\x09");
}

static void spaces_and_word(void **state)
{
  (void)state;
  char buf[64];
  char s[] = "550\r\nno\tsuch \x7f user\xe9";
  esc_spaces(s, strlen(s));
  assert_string_equal(s, "550  no such   user\xe9");
  assert_string_equal(esc_str(buf, sizeof buf, "550\r\nok", ESC_SPACES), "550  ok");
  assert_string_equal(esc_str(buf, sizeof buf, "a b\x01(c)[d];\\\xe9", ESC_WORD), "a?b??c??d???\?");
  assert_string_equal(esc_str(buf, sizeof buf, 0, ESC_WORD), "");
}

/* cut silently at size - 1, or before an escape that does not fit */
static void bounded(void **state)
{
  (void)state;
  char out[8];
  assert_string_equal(esc_str(out, sizeof out, "abcdefghij", ESC_WORD), "abcdefg");
  assert_int_equal(esc_copy(out, sizeof out, "abcdefghij", 10, ESC_TEXT), 7);
  assert_int_equal(esc_copy(out, sizeof out, "ab\ncd", 5, ESC_TEXT), 7);
  assert_string_equal(out, "ab\\x0ac");
  assert_int_equal(esc_copy(out, sizeof out, "abcd\n", 5, ESC_TEXT), 4);
  assert_string_equal(out, "abcd");
  assert_int_equal(esc_copy(out, 1, "abc", 3, ESC_TEXT), 0);
  assert_string_equal(out, "");
  out[0] = 'x';
  assert_int_equal(esc_copy(out, 0, "abc", 3, ESC_TEXT), 0);
  assert_int_equal(out[0], 'x');
  /* the exact fit is whole */
  assert_int_equal(esc_copy(out, sizeof out, "abc\x01", 4, ESC_ADDR), 7);
  assert_string_equal(out, "abc\\x01");
}

static void dots(void **state)
{
  (void)state;
  char buf[16];
  assert_string_equal(esc_dots(buf, sizeof buf, "0123456789abcdefghij", ESC_ADDR), "0123456789ab...");
  assert_string_equal(esc_dots(buf, sizeof buf, "0123456789\n\n\n", ESC_ADDR), "0123456789...");
  assert_string_equal(esc_dots(buf, sizeof buf, "0123456789abcde", ESC_ADDR), "0123456789abcde");
  assert_string_equal(esc_dots(buf, 4, "abcd", ESC_ADDR), "...");
  char big[4200], addr[1025];
  memset(addr, '\n', 1024);
  addr[1024] = 0;
  esc_dots(big, sizeof big, addr, ESC_ADDR);
  assert_int_equal(strlen(big), 4096);
  assert_int_equal(esc_copy(big, sizeof big, addr, 1024, ESC_ADDR), 4096);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(every_byte),
    cmocka_unit_test(log_rules),
    cmocka_unit_test(spaces_and_word),
    cmocka_unit_test(bounded),
    cmocka_unit_test(dots),
)
