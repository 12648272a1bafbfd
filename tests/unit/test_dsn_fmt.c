/* Unit tests for src/common/dsn_fmt.c: folding at RFC 5322's limits, text
 * wrapping, dates, durations and RFC 6533 typed addresses. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/dsn_fmt.h"
#include "unit.h"

static char *text(dsn_buf *b)
{
  dsn_fmt_putc(b, 0);
  assert_int_equal(b->err, 0);
  return b->s;
}

static void max_line(char const *s, size_t *longest, size_t *lines)
{
  size_t col = 0;
  *longest = 0;
  *lines = 0;
  for (; *s; s++) {
    if (*s == '\n') { (*lines)++; col = 0; continue; }
    if (++col > *longest) *longest = col;
  }
}

static void field_short(void **state)
{
  dsn_buf b = DSN_BUF_ZERO;
  dsn_fmt_fields(&b, "Subject", "  hello   world  ");
  assert_string_equal(text(&b), "Subject: hello   world\n");
  dsn_buf_free(&b);
}

static void field_folds_at_whitespace(void **state)
{
  dsn_buf b = DSN_BUF_ZERO;
  size_t longest, lines;
  dsn_fmt_fields(&b, "Diagnostic-Code",
             "smtp; 550 5.1.1 this is a long reply from a remote server that goes on and on "
             "until it must be folded somewhere");
  char *s = text(&b);
  max_line(s, &longest, &lines);
  assert_true(longest <= DSN_FOLD);
  assert_int_equal(lines, 2);
  assert_string_equal(s, "Diagnostic-Code: smtp; 550 5.1.1 this is a long reply from a remote server\n"
                         " that goes on and on until it must be folded somewhere\n");
  dsn_buf_free(&b);
}

static void field_cuts_a_word_at_998(void **state)
{
  char word[3000];
  dsn_buf b = DSN_BUF_ZERO;
  size_t longest, lines;
  memset(word, 'w', sizeof word - 1);
  word[sizeof word - 1] = 0;
  dsn_fmt_fields(&b, "X-Long", word);
  char *s = text(&b);
  max_line(s, &longest, &lines);
  assert_int_equal(longest, DSN_LINE_MAX);
  assert_int_equal(lines, 4);
  /* each continuation line starts with a space */
  for (char *p = strchr(s, '\n'); p && p[1]; p = strchr(p + 1, '\n')) assert_int_equal(p[1], ' ');
  dsn_buf_free(&b);
}

static void field_controls_become_spaces(void **state)
{
  dsn_buf b = DSN_BUF_ZERO;
  dsn_fmt_field(&b, "To", "<a@b>\r\nBcc: c@d\0e", 17);
  assert_string_equal(text(&b), "To: <a@b>  Bcc: c@d e\n");
  dsn_buf_free(&b);
}

static void wrap_text(void **state)
{
  dsn_buf b = DSN_BUF_ZERO;
  char const *t = "one two\tthree\r\nfour five six seven";
  dsn_fmt_wrap(&b, "  ", t, strlen(t), 16);
  assert_string_equal(text(&b), "  one two three\n  four five six\n  seven\n");
  dsn_buf_free(&b);
}

static void wrap_long_word(void **state)
{
  char word[2500];
  dsn_buf b = DSN_BUF_ZERO;
  size_t longest, lines;
  memset(word, 'z', sizeof word);
  dsn_fmt_wrap(&b, "    ", word, sizeof word, 72);
  char *s = text(&b);
  max_line(s, &longest, &lines);
  assert_int_equal(longest, DSN_LINE_MAX);
  assert_int_equal(lines, 3);
  dsn_buf_free(&b);
}

static void ascii_only(void **state)
{
  dsn_buf b = DSN_BUF_ZERO;
  dsn_fmt_ascii(&b, "a\x01" "b\xc3\xa9" "c\x7f", 7);
  assert_string_equal(text(&b), "a b??c ");
  dsn_buf_free(&b);
}

static void addr_rfc822(void **state)
{
  dsn_buf b = DSN_BUF_ZERO;
  dsn_fmt_addr_typed(&b, "\"john doe\"+x=y@example.com");
  assert_string_equal(text(&b), "rfc822; \"john doe\"+x=y@example.com");
  dsn_buf_free(&b);
}

static void addr_utf8_xtext(void **state)
{
  dsn_buf b = DSN_BUF_ZERO;
  /* U+00FC, '+', '=', '\', a lone continuation byte, U+1F600 */
  dsn_fmt_addr_typed(&b, "j\xc3\xbcrgen+a=b\\c\x80@\xf0\x9f\x98\x80.example");
  assert_string_equal(text(&b), "utf-8; j\\x{FC}rgen\\x{2B}a\\x{3D}b\\x{5C}c\\x{80}@\\x{1F600}.example");
  dsn_buf_free(&b);
}

static void dates(void **state)
{
  char d[DSN_DATE_MAX];
  assert_int_equal(dsn_fmt_date(d, 1700000000), 31);
  assert_string_equal(d, "Tue, 14 Nov 2023 22:13:20 +0000");
  dsn_fmt_date(d, 0);
  assert_string_equal(d, "Thu, 1 Jan 1970 00:00:00 +0000");
  dsn_fmt_date(d, 951782400);
  assert_string_equal(d, "Tue, 29 Feb 2000 00:00:00 +0000");
}

static void durations(void **state)
{
  char d[DSN_DURATION_MAX];
  dsn_fmt_duration(d, 432000);
  assert_string_equal(d, "5 days");
  dsn_fmt_duration(d, 86400);
  assert_string_equal(d, "1 day");
  dsn_fmt_duration(d, 14400 + 59);
  assert_string_equal(d, "4 hours");
  dsn_fmt_duration(d, 60);
  assert_string_equal(d, "1 minute");
  dsn_fmt_duration(d, 59);
  assert_string_equal(d, "59 seconds");
  dsn_fmt_duration(d, -5);
  assert_string_equal(d, "0 seconds");
}

static void buffer_grows(void **state)
{
  dsn_buf b = DSN_BUF_ZERO;
  for (int i = 0; i < 100000; i++) dsn_fmt_putu(&b, (uint64_t)i);
  assert_int_equal(b.err, 0);
  assert_true(b.len > 400000);
  assert_memory_equal(b.s, "0123456789101112", 16);
  dsn_buf_free(&b);
  assert_null(b.s);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(field_short),
    cmocka_unit_test(field_folds_at_whitespace),
    cmocka_unit_test(field_cuts_a_word_at_998),
    cmocka_unit_test(field_controls_become_spaces),
    cmocka_unit_test(wrap_text),
    cmocka_unit_test(wrap_long_word),
    cmocka_unit_test(ascii_only),
    cmocka_unit_test(addr_rfc822),
    cmocka_unit_test(addr_utf8_xtext),
    cmocka_unit_test(dates),
    cmocka_unit_test(durations),
    cmocka_unit_test(buffer_grows),
)
