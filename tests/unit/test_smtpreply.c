/* Unit tests for src/posta-remote/smtpreply.c: the reply parser is strict,
 * bounded, and survives what hostile servers send. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "posta-remote/smtpreply.h"
#include "unit.h"

static smtpreply R;

/* Feeds s in chunks of step bytes; returns the final smtpreply_feed result
 * and the bytes used in all. */
static int feed(char const *s, size_t n, size_t step, size_t *used_total)
{
  size_t pos = 0;
  int r = 0;
  smtpreply_start(&R, 0, 0);
  while (pos < n) {
    size_t k = n - pos < step ? n - pos : step, used;
    r = smtpreply_feed(&R, s + pos, k, &used);
    pos += used;
    if (r) break;
  }
  *used_total = pos;
  return r;
}

static void single_line(void **state)
{
  size_t used;
  char const *s = "250 ok\r\nNEXT";
  assert_int_equal(feed(s, strlen(s), 100, &used), 1);
  assert_int_equal(R.code, 250);
  assert_string_equal(R.text, "250 ok");
  assert_int_equal(used, 8);   /* stops at the end of the reply */
}

static void multi_line_any_chunking(void **state)
{
  char const *s = "250-mx.example ready\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
  for (size_t step = 1; step < 10; step++) {
    size_t used;
    assert_int_equal(feed(s, strlen(s), step, &used), 1);
    assert_int_equal(R.code, 250);
    assert_int_equal(R.lines, 3);
    assert_string_equal(R.text, "250-mx.example ready 250-PIPELINING 250 8BITMIME");
  }
}

static void no_text(void **state)
{
  size_t used;
  assert_int_equal(feed("354\r\n", 5, 3, &used), 1);
  assert_int_equal(R.code, 354);
  assert_string_equal(R.text, "354");
  assert_int_equal(feed("221 \n", 5, 5, &used), 1);   /* bare LF, empty text */
  assert_int_equal(R.code, 221);
}

static void last_line_code_wins(void **state)
{
  size_t used;
  char const *s = "250-fine\r\n550 5.1.1 no\r\n";
  assert_int_equal(feed(s, strlen(s), 4, &used), 1);
  assert_int_equal(R.code, 550);
  assert_string_equal(R.text, "250-fine 550 5.1.1 no");
}

static void malformed_lines(void **state)
{
  static char const *bad[] = {
    "25\r\n", "hello\r\n", "2500 x\r\n", "250x\r\n", "650 no\r\n", "150 x\r\n",
    "099 x\r\n", "\r\n", "2a0 x\r\n", "250_x\r\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    size_t used;
    errno = 0;
    assert_int_equal(feed(bad[i], strlen(bad[i]), 2, &used), -1);
    assert_int_equal(errno, EPROTO);
  }
}

static void nul_and_controls_cleaned(void **state)
{
  size_t used;
  char s[] = "250-a\0b\tc\033d\r\n250 e\rf\xff\r\n";
  assert_int_equal(feed(s, sizeof s - 1, 7, &used), 1);
  assert_int_equal(R.code, 250);
  assert_string_equal(R.text, "250-ab c d 250 ef?");
  for (size_t i = 0; i < R.len; i++) assert_true(R.text[i] >= 32 && R.text[i] < 127);
}

static void overlong_line_bounded(void **state)
{
  size_t n = 100000, used;
  char *s = malloc(n + 8);
  memcpy(s, "250 ", 4);
  memset(s + 4, 'x', n - 4);
  memcpy(s + n, "\r\n", 2);
  assert_int_equal(feed(s, n + 2, 4096, &used), -1);   /* over the reply limit */
  n = 5000;
  memset(s + 4, 'y', n - 4);
  memcpy(s + n, "\r\n", 2);
  assert_int_equal(feed(s, n + 2, 4096, &used), 1);
  assert_int_equal(R.code, 250);
  assert_int_equal(R.len, SMTPREPLY_LINE_MAX);   /* what was kept of the line */
  assert_true(R.len <= SMTPREPLY_TEXT_MAX);
  free(s);
}

static void text_bounded_over_many_lines(void **state)
{
  char s[64 * 40 + 16];
  size_t o = 0, used;
  for (int i = 0; i < 40; i++) o += (size_t)sprintf(s + o, "250-%058d\r\n", i);
  o += (size_t)sprintf(s + o, "250 end\r\n");
  assert_int_equal(feed(s, o, 13, &used), 1);
  assert_int_equal(R.len, SMTPREPLY_TEXT_MAX);
  assert_int_equal(strlen(R.text), SMTPREPLY_TEXT_MAX);
}

static void too_many_lines(void **state)
{
  size_t n = (SMTPREPLY_LINES_MAX + 1) * 6, used;
  char *s = malloc(n);
  for (size_t i = 0; i < n; i += 6) memcpy(s + i, "250-\r\n", 6);
  assert_int_equal(feed(s, n, 1000, &used), -1);
  free(s);
}

static void incomplete_needs_more(void **state)
{
  size_t used;
  assert_int_equal(feed("250-a\r\n250 b", 12, 100, &used), 0);
  assert_int_equal(used, 12);
}

static int lines_seen;
static void count_line(void *ctx, char const *text, size_t len)
{
  lines_seen++;
  if (lines_seen == 2) assert_memory_equal(text, "SIZE 1000", len);
}

static void callback_gets_text(void **state)
{
  size_t used;
  char const *s = "250-hi\r\n250 SIZE 1000\r\n";
  lines_seen = 0;
  smtpreply_start(&R, count_line, 0);
  assert_int_equal(smtpreply_feed(&R, s, strlen(s), &used), 1);
  assert_int_equal(lines_seen, 2);
}

/* A little fuzzing: random bytes never overflow and always end somehow. */
static void random_bytes(void **state)
{
  char buf[2048];
  srand(12345);
  for (int round = 0; round < 2000; round++) {
    size_t n = (size_t)(rand() % (int)sizeof buf), used;
    for (size_t i = 0; i < n; i++) {
      int k = rand() % 8;
      buf[i] = k == 0 ? '\n' : k == 1 ? '2' : k == 2 ? '-' : k == 3 ? ' ' : (char)rand();
    }
    int r = feed(buf, n, (size_t)(1 + rand() % 64), &used);
    assert_true(r >= -1 && r <= 1);
    assert_true(used <= n);
    assert_true(R.len <= SMTPREPLY_TEXT_MAX);
    assert_int_equal(strlen(R.text), R.len);
    if (r == 1) assert_true(R.code >= 200 && R.code <= 599);
  }
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(single_line),
    cmocka_unit_test(multi_line_any_chunking),
    cmocka_unit_test(no_text),
    cmocka_unit_test(last_line_code_wins),
    cmocka_unit_test(malformed_lines),
    cmocka_unit_test(nul_and_controls_cleaned),
    cmocka_unit_test(overlong_line_bounded),
    cmocka_unit_test(text_bounded_over_many_lines),
    cmocka_unit_test(too_many_lines),
    cmocka_unit_test(incomplete_needs_more),
    cmocka_unit_test(callback_gets_text),
    cmocka_unit_test(random_bytes),
)
