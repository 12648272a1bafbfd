/* Unit tests for src/common/rec.c: records are read whole or not at all. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/rec.h"
#include "unit.h"

static void build(rec_buf *b)
{
  rec_start(b, "info", 1);
  rec_add(b, 'F', "alice@example.com");
  rec_addu(b, 't', 1700000000);
  rec_addn(b, 'e', "cut\0here", 8);
  assert_int_equal(rec_finish(b), 0);
}

static void roundtrip(void **state)
{
  rec_buf b = REC_BUF_ZERO;
  rec r;
  size_t n;
  build(&b);
  assert_int_equal(rec_parse(&r, b.s, b.len, "info", 1), 0);
  assert_string_equal(rec_next(&r, &n), "Falice@example.com");
  assert_int_equal(n, 18);
  assert_string_equal(rec_next(&r, 0), "t1700000000");
  assert_string_equal(rec_next(&r, 0), "ecut");
  assert_null(rec_next(&r, 0));
  rec_free(&b);
}

static void known_crc(void **state)
{
  /* the CRC-32 check value of "123456789" */
  assert_int_equal(rec_crc32(0, "123456789", 9), 0xcbf43926);
}

static void every_truncation_refused(void **state)
{
  rec_buf b = REC_BUF_ZERO;
  rec r;
  build(&b);
  for (size_t n = 0; n < b.len; n++) {
    errno = 0;
    assert_int_equal(rec_parse(&r, b.s, n, "info", 1), -1);
    assert_int_equal(errno, EPROTO);
  }
  rec_free(&b);
}

static void every_bitflip_refused(void **state)
{
  rec_buf b = REC_BUF_ZERO;
  rec r;
  build(&b);
  for (size_t i = 0; i < b.len; i++) {
    for (int bit = 0; bit < 8; bit++) {
      b.s[i] ^= (char)(1 << bit);
      assert_int_equal(rec_parse(&r, b.s, b.len, "info", 1), -1);
      b.s[i] ^= (char)(1 << bit);
    }
  }
  assert_int_equal(rec_parse(&r, b.s, b.len, "info", 1), 0);
  rec_free(&b);
}

static void wrong_kind_and_version(void **state)
{
  rec_buf b = REC_BUF_ZERO;
  rec r;
  build(&b);
  assert_int_equal(rec_parse(&r, b.s, b.len, "todo", 1), -1);
  assert_int_equal(errno, EPROTO);
  assert_int_equal(rec_parse(&r, b.s, b.len, "inf", 1), -1);
  assert_int_equal(rec_parse(&r, b.s, b.len, "info", 2), -1);
  assert_int_equal(errno, ENOTSUP);
  rec_free(&b);
}

static void empty_record(void **state)
{
  rec_buf b = REC_BUF_ZERO;
  rec r;
  rec_start(&b, "x", 7);
  assert_int_equal(rec_finish(&b), 0);
  assert_int_equal(rec_parse(&r, b.s, b.len, "x", 7), 0);
  assert_null(rec_next(&r, 0));
  rec_free(&b);
}

static void empty_field_refused(void **state)
{
  /* an empty field would end the fields early: hand-made, with a valid CRC */
  char buf[64];
  size_t n = 0;
  memcpy(buf, "posta x 1\nA\0\0B\0\0", 16);
  n = 16;
  uint32_t crc = rec_crc32(0, buf, n);
  n += (size_t)snprintf(buf + n, sizeof buf - n, "%08x\n", (unsigned)crc);
  rec r;
  assert_int_equal(rec_parse(&r, buf, n, "x", 1), -1);
}

static void numbers(void **state)
{
  (void)state;
  uint64_t v = 7;
  assert_int_equal(rec_num("0", &v), 0);
  assert_int_equal(v, 0);
  assert_int_equal(rec_num("18446744073709551609", &v), 0);
  assert_true(v == UINT64_MAX - 6);
  assert_int_equal(rec_num("007", &v), 0);
  assert_int_equal(v, 7);
  v = 1;
  assert_int_equal(rec_num("18446744073709551610", &v), -1);
  assert_int_equal(rec_num("", &v), -1);
  assert_int_equal(rec_num("12a", &v), -1);
  assert_int_equal(rec_num("-1", &v), -1);
  assert_int_equal(rec_num(" 1", &v), -1);
  assert_int_equal(v, 1);
  assert_int_equal(rec_num_strict("0", &v), 0);
  assert_int_equal(v, 0);
  assert_int_equal(rec_num_strict("120", &v), 0);
  assert_int_equal(v, 120);
  assert_int_equal(rec_num_strict("007", &v), -1);
  assert_int_equal(rec_num_strict("", &v), -1);
  assert_int_equal(rec_num_strict("99999999999999999999", &v), -1);
  assert_int_equal(v, 120);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(roundtrip),
    cmocka_unit_test(known_crc),
    cmocka_unit_test(every_truncation_refused),
    cmocka_unit_test(every_bitflip_refused),
    cmocka_unit_test(wrong_kind_and_version),
    cmocka_unit_test(empty_record),
    cmocka_unit_test(empty_field_refused),
    cmocka_unit_test(numbers),
)
