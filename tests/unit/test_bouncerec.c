/* Unit tests for src/posta-send/bouncerec.c: the bounce record. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "posta-send/bouncerec.h"
#include "recfix.h"
#include "unit.h"

static void roundtrip(void **state)
{
  bouncerec b = BOUNCEREC_ZERO, o = BOUNCEREC_ZERO;
  rec_buf out = REC_BUF_ZERO;
  b.sender = strdup("alice@example.com");
  b.t = 1700000000;
  assert_int_equal(rcptrec_add(&b.failed, "bob@example.net", RCPT_BOUNCED, 0, 0, "D5.1.1 mx[192.0.2.1] 550 no such user"), 0);
  assert_int_equal(rcptrec_add(&b.failed, "carol@example.org", RCPT_BOUNCED, 0, 0, "D4.4.1 - refused (giving up)"), 0);
  assert_int_equal(bouncerec_build(&out, &b), 0);
  /* the fixed part, byte for byte: posta-bounce reads it */
  char const head[] = "posta bounce 1\nFalice@example.com\0t1700000000\0kf\0Abob@example.net\0eD5.1.1";
  assert_memory_equal(out.s, head, sizeof head - 1);
  assert_int_equal(bouncerec_parse(&o, out.s, out.len), 0);
  assert_string_equal(o.sender, "alice@example.com");
  assert_int_equal(o.t, 1700000000);
  assert_int_equal(o.kind, BOUNCE_FAILURE);
  assert_int_equal(o.failed.n, 2);
  assert_string_equal(o.failed.v[1].addr, "carol@example.org");
  assert_string_equal(o.failed.v[1].e, "D4.4.1 - refused (giving up)");
  bouncerec_free(&b);
  bouncerec_free(&o);
  rec_free(&out);
}

static int parse_fields(char const *const *f, size_t n)
{
  rec_buf b = REC_BUF_ZERO;
  bouncerec o = BOUNCEREC_ZERO;
  recfix_build(&b, "bounce", f, n);
  int r = bouncerec_parse(&o, b.s, b.len);
  bouncerec_free(&o);
  rec_free(&b);
  return r;
}

static void malformed_refused(void **state)
{
  char const *good[] = { "F", "t5", "kf", "Aa@b", "eD5.0.0 - x" };
  char const *no_failure[] = { "F", "t5", "kf" };
  char const *no_result[] = { "F", "t5", "kf", "Aa@b" };
  char const *no_kind[] = { "F", "t5", "Aa@b", "eD5.0.0 - x" };
  char const *order[] = { "t5", "F", "kf", "Aa@b", "eD5.0.0 - x" };
  assert_int_equal(parse_fields(good, 5), 0);
  assert_int_equal(parse_fields(no_failure, 3), -1);
  assert_int_equal(parse_fields(no_result, 4), -1);
  assert_int_equal(parse_fields(no_kind, 4), -1);
  errno = 0;
  assert_int_equal(parse_fields(order, 5), -1);
  assert_int_equal(errno, EPROTO);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(roundtrip),
    cmocka_unit_test(malformed_refused),
)
