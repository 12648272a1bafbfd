/* Unit tests for src/common/cmdrec.c: operators' requests to posta-send
 * are whole records with a known operation, or nothing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/cmdrec.h"
#include "unit.h"

static void round_trip(void **state)
{
  (void)state;
  static char const ops[] = { CMDREC_HOLD, CMDREC_RELEASE, CMDREC_REMOVE, CMDREC_FLUSH };
  for (unsigned i = 0; i < sizeof ops; i++) {
    rec_buf b = REC_BUF_ZERO;
    cmdrec in = { ops[i], 1700000000, 105 }, out = { 0, 0, 0 };
    assert_int_equal(cmdrec_build(&b, &in), 0);
    assert_int_equal(cmdrec_parse(&out, b.s, b.len), 0);
    assert_int_equal(out.op, ops[i]);
    assert_int_equal(out.t, 1700000000);
    assert_int_equal(out.uid, 105);
    rec_free(&b);
  }
}

static void unknown_op_refused(void **state)
{
  (void)state;
  rec_buf b = REC_BUF_ZERO;
  cmdrec c = { 'z', 1, 0 };
  assert_int_equal(cmdrec_build(&b, &c), -1);
  rec_free(&b);
  assert_false(cmdrec_op_valid(0));
  assert_false(cmdrec_op_valid('H'));
  rec_start(&b, CMDREC_KIND, CMDREC_VERSION);
  rec_add(&b, 'o', "z");
  rec_addu(&b, 't', 1);
  rec_addu(&b, 'u', 0);
  assert_int_equal(rec_finish(&b), 0);
  errno = 0;
  assert_int_equal(cmdrec_parse(&c, b.s, b.len), -1);
  assert_int_equal(errno, EPROTO);
  rec_free(&b);
}

static void whole_or_nothing(void **state)
{
  (void)state;
  rec_buf b = REC_BUF_ZERO;
  cmdrec c = { CMDREC_REMOVE, 42, 0 };
  assert_int_equal(cmdrec_build(&b, &c), 0);
  for (size_t n = 0; n < b.len; n++) assert_int_equal(cmdrec_parse(&c, b.s, n), -1);
  b.s[b.len - 12] ^= 1;
  assert_int_equal(cmdrec_parse(&c, b.s, b.len), -1);
  rec_free(&b);
  /* a field missing, a field twice, two characters of op */
  static char const *const bad[][4] = {
    { "ox", "t1", 0 }, { "ox", "t1", "u0", "t2" }, { "oxx", "t1", "u0", 0 }, { "ox", "t01", "u0", 0 },
  };
  for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
    rec_start(&b, CMDREC_KIND, CMDREC_VERSION);
    for (unsigned j = 0; j < 4 && bad[i][j]; j++) rec_add(&b, bad[i][j][0], bad[i][j] + 1);
    assert_int_equal(rec_finish(&b), 0);
    assert_int_equal(cmdrec_parse(&c, b.s, b.len), -1);
    rec_free(&b);
  }
  /* another kind of record */
  rec_start(&b, "info", 1);
  rec_add(&b, 'o', "x");
  assert_int_equal(rec_finish(&b), 0);
  assert_int_equal(cmdrec_parse(&c, b.s, b.len), -1);
  rec_free(&b);
}

static void path(void **state)
{
  (void)state;
  char buf[CMDREC_PATH_MAX];
  cmdrec_path(buf, 18446744073709551615ULL);
  assert_string_equal(buf, "queue/cmd/18446744073709551615");
  cmdrec_path(buf, CMDREC_ALL);
  assert_string_equal(buf, "queue/cmd/0");
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(round_trip),
    cmocka_unit_test(unknown_op_refused),
    cmocka_unit_test(whole_or_nothing),
    cmocka_unit_test(path),
)
