/* Unit tests for src/posta-send/inforec.c: the info record. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "posta-send/inforec.h"
#include "recfix.h"
#include "unit.h"

static void roundtrip(void **state)
{
  info i = { "alice@example.com", 1700000000, 1000, 2048, 0, 1, 0 };
  info o = INFO_ZERO;
  rec_buf b = REC_BUF_ZERO;
  assert_int_equal(inforec_build(&b, &i), 0);
  assert_int_equal(inforec_parse(&o, b.s, b.len), 0);
  assert_string_equal(o.sender, "alice@example.com");
  assert_int_equal(o.t, 1700000000);
  assert_int_equal(o.uid, 1000);
  assert_int_equal(o.size, 2048);
  assert_int_equal(o.d, 0);
  assert_int_equal(o.h, 1);
  assert_int_equal(o.x, 0);
  inforec_free(&o);
  rec_free(&b);
}

static void null_sender(void **state)
{
  info i = { "", 5, 0, 1, 0, 0, 0 };
  info o = INFO_ZERO;
  rec_buf b = REC_BUF_ZERO;
  assert_int_equal(inforec_build(&b, &i), 0);
  assert_int_equal(inforec_parse(&o, b.s, b.len), 0);
  assert_string_equal(o.sender, "");
  inforec_free(&o);
  rec_free(&b);
}

static int parse_fields(char const *const *f, size_t n)
{
  rec_buf b = REC_BUF_ZERO;
  info o = INFO_ZERO;
  recfix_build(&b, "info", f, n);
  int r = inforec_parse(&o, b.s, b.len);
  inforec_free(&o);
  rec_free(&b);
  return r;
}

static void every_field_needed_once(void **state)
{
  char const *f[8] = { "Fa@b", "t1", "u2", "s3", "d0", "h0", "x0", "t9" };
  assert_int_equal(parse_fields(f, 7), 0);
  for (size_t skip = 0; skip < 7; skip++) {
    char const *g[7];
    size_t n = 0;
    for (size_t i = 0; i < 7; i++) if (i != skip) g[n++] = f[i];
    errno = 0;
    assert_int_equal(parse_fields(g, n), -1);
    assert_int_equal(errno, EPROTO);
  }
  /* twice */
  assert_int_equal(parse_fields(f, 8), -1);
  char const *bad_flag[] = { "Fa@b", "t1", "u2", "s3", "d0", "h2", "x0" };
  assert_int_equal(parse_fields(bad_flag, 7), -1);
  char const *unknown[] = { "Fa@b", "t1", "u2", "s3", "d0", "h0", "x0", "q1" };
  assert_int_equal(parse_fields(unknown, 8), -1);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(roundtrip),
    cmocka_unit_test(null_sender),
    cmocka_unit_test(every_field_needed_once),
)
