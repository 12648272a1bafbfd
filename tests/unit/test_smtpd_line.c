/* Unit tests for src/posta-smtpd/smtpd_line.c: command lines end at CRLF
 * only, are bounded, and report bare CR, bare LF and NUL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "posta-smtpd/smtpd_line.h"
#include "unit.h"

/* Feeds s whole; returns the first event other than LINE_MORE. */
static int feed(smtpd_line *l, char const *s, size_t n, size_t *consumed)
{
  size_t used = 0;
  int r = smtpd_line_feed(l, s, n, &used);
  if (consumed) *consumed = used;
  return r;
}

static void simple(void **state)
{
  smtpd_line l;
  size_t used;
  smtpd_line_reset(&l);
  assert_int_equal(feed(&l, "NOOP\r\nQUIT\r\n", 12, &used), LINE_DONE);
  assert_int_equal(used, 6);
  assert_string_equal(l.s, "NOOP");
  assert_int_equal(l.len, 4);
  /* the next feed starts a new line */
  assert_int_equal(feed(&l, "QUIT\r\n", 6, &used), LINE_DONE);
  assert_string_equal(l.s, "QUIT");
  assert_int_equal(feed(&l, "\r\n", 2, &used), LINE_DONE);
  assert_int_equal(l.len, 0);
}

static void split_anywhere(void **state)
{
  char const *in = "MAIL FROM:<a@b.c>\r\n";
  for (size_t cut = 0; cut <= strlen(in); cut++) {
    smtpd_line l;
    size_t used;
    smtpd_line_reset(&l);
    int r = feed(&l, in, cut, &used);
    if (cut < strlen(in)) {
      assert_int_equal(r, LINE_MORE);
      assert_int_equal(used, cut);
      r = feed(&l, in + cut, strlen(in) - cut, &used);
    }
    assert_int_equal(r, LINE_DONE);
    assert_string_equal(l.s, "MAIL FROM:<a@b.c>");
  }
  /* byte by byte */
  smtpd_line l;
  smtpd_line_reset(&l);
  int r = LINE_MORE;
  for (size_t i = 0; i < strlen(in); i++) {
    assert_int_equal(r, LINE_MORE);
    r = feed(&l, in + i, 1, 0);
  }
  assert_int_equal(r, LINE_DONE);
}

static void bare(void **state)
{
  char const *cases[] = { "NOOP\n", "NO\nOP\r\n", "NOOP\rX\r\n", "\n", "\r\r\n", "NOOP\r\r\n" };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    smtpd_line l;
    size_t used;
    smtpd_line_reset(&l);
    assert_int_equal(feed(&l, cases[i], strlen(cases[i]), &used), LINE_BARE);
  }
  /* a CR at the end of one read, LF at the start of the next: fine */
  smtpd_line l;
  smtpd_line_reset(&l);
  assert_int_equal(feed(&l, "RSET\r", 5, 0), LINE_MORE);
  assert_int_equal(feed(&l, "\n", 1, 0), LINE_DONE);
  assert_string_equal(l.s, "RSET");
  /* and a CR followed by something else in the next read: bare */
  smtpd_line_reset(&l);
  assert_int_equal(feed(&l, "RSET\r", 5, 0), LINE_MORE);
  assert_int_equal(feed(&l, "X", 1, 0), LINE_BARE);
}

static void nul(void **state)
{
  smtpd_line l;
  smtpd_line_reset(&l);
  assert_int_equal(feed(&l, "RCPT TO:<a\0b@c.d>\r\n", 19, 0), LINE_DONE);
  assert_true(l.nul);
  assert_int_equal(feed(&l, "NOOP\r\n", 6, 0), LINE_DONE);
  assert_false(l.nul);
}

static void too_long(void **state)
{
  static char big[70000];
  smtpd_line l;
  size_t used;
  /* 510 octets and CRLF: exactly the limit */
  memset(big, 'x', 510);
  memcpy(big + 510, "\r\n", 2);
  smtpd_line_reset(&l);
  assert_int_equal(feed(&l, big, 512, &used), LINE_DONE);
  assert_int_equal(l.len, 510);
  assert_false(l.toolong);
  /* one more: reported once, when crossed, then skipped to its CRLF */
  memset(big, 'x', sizeof big);
  memcpy(big + 511, "\r\nNOOP\r\n", 8);
  smtpd_line_reset(&l);
  assert_int_equal(feed(&l, big, 519, &used), LINE_TOOLONG);
  assert_int_equal(used, 511);
  assert_int_equal(feed(&l, big + used, 519 - used, &used), LINE_DONE);
  assert_true(l.toolong);
  assert_int_equal(l.len, SMTPD_LINE_MAX - 2);
  assert_int_equal(feed(&l, "NOOP\r\n", 6, 0), LINE_DONE);
  assert_false(l.toolong);
  assert_string_equal(l.s, "NOOP");
  /* 64 KiB without a newline: one report, then all is consumed */
  memset(big, 'y', sizeof big);
  smtpd_line_reset(&l);
  size_t off = 0;
  int reports = 0;
  while (off < sizeof big) {
    int r = feed(&l, big + off, sizeof big - off, &used);
    off += used;
    if (r == LINE_TOOLONG) reports++;
    else assert_int_equal(r, LINE_MORE);
  }
  assert_int_equal(reports, 1);
  assert_int_equal(l.len, SMTPD_LINE_MAX - 2);
  /* a bare LF inside the skipped part still ends everything */
  assert_int_equal(feed(&l, "zz\nQUIT\r\n", 9, 0), LINE_BARE);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(simple),
    cmocka_unit_test(split_anywhere),
    cmocka_unit_test(bare),
    cmocka_unit_test(nul),
    cmocka_unit_test(too_long),
)
