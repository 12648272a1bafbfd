/* Unit tests for src/posta-send/rcptrec.c: the local and remote records. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "posta-send/rcptrec.h"
#include "recfix.h"
#include "unit.h"

static void build_list(rcptlist *l)
{
  assert_int_equal(rcptrec_add(l, "alice@example.com", RCPT_PENDING, 0, 0, ""), 0);
  assert_int_equal(rcptrec_add(l, "bob@example.com", RCPT_DONE, 1, 0, "K2.0.0 - ok"), 0);
  assert_int_equal(rcptrec_add(l, "carol@example.com", RCPT_BOUNCED, 3, 1700000123, "D5.1.1 mx[1.2.3.4] 550 no"), 0);
  assert_int_equal(rcptrec_add(l, "dan@example.com", RCPT_PENDING, 2, 1700000999, "Z4.4.1 - refused"), 0);
}

static void roundtrip(void **state)
{
  rcptlist l = RCPTLIST_ZERO, m = RCPTLIST_ZERO;
  rec_buf b = REC_BUF_ZERO;
  build_list(&l);
  assert_int_equal(rcptrec_pending(&l), 2);
  assert_int_equal(rcptrec_build(&b, &l), 0);
  char const head[] = "posta rcpt 1\nAalice@example.com\0SP\0n0\0w0\0e\0Abob@example.com\0SD\0n1";
  assert_memory_equal(b.s, head, sizeof head - 1);
  assert_int_equal(rcptrec_parse(&m, b.s, b.len), 0);
  assert_int_equal(m.n, 4);
  for (size_t i = 0; i < 4; i++) {
    assert_string_equal(m.v[i].addr, l.v[i].addr);
    assert_string_equal(m.v[i].e, l.v[i].e);
    assert_int_equal(m.v[i].state, l.v[i].state);
    assert_int_equal(m.v[i].n, l.v[i].n);
    assert_int_equal(m.v[i].w, l.v[i].w);
    assert_int_equal(m.v[i].busy, 0);
    assert_int_equal(m.v[i].failed, 0);
  }
  assert_int_equal(rcptrec_set_result(&m.v[0], "K2.0.0 - delivered"), 0);
  assert_string_equal(m.v[0].e, "K2.0.0 - delivered");
  rec_free(&b);
  rcptrec_free(&l);
  rcptrec_free(&m);
}

/* Builds a record from raw fields (rec.c adds the header and CRC). */
static int parse_fields(char const *const *f, size_t n, rcptlist *out)
{
  rec_buf b = REC_BUF_ZERO;
  recfix_build(&b, "rcpt", f, n);
  int r = rcptrec_parse(out, b.s, b.len);
  rec_free(&b);
  return r;
}

static void malformed_refused(void **state)
{
  static char const *const missing_e[] = { "Aa@b", "SP", "n0", "w0" };
  static char const *const bad_state[] = { "Aa@b", "SX", "n0", "w0", "e" };
  static char const *const two_states[] = { "Aa@b", "SPD", "n0", "w0", "e" };
  static char const *const bad_n[] = { "Aa@b", "SP", "nx", "w0", "e" };
  static char const *const huge_n[] = { "Aa@b", "SP", "n4294967296", "w0", "e" };
  static char const *const leading_zero[] = { "Aa@b", "SP", "n01", "w0", "e" };
  static char const *const out_of_order[] = { "Aa@b", "n0", "SP", "w0", "e" };
  static char const *const empty_addr[] = { "A", "SP", "n0", "w0", "e" };
  static char const *const stray[] = { "Aa@b", "SP", "n0", "w0", "e", "xjunk" };
  static struct { char const *const *f; size_t n; } const cases[] = {
    { missing_e, 4 }, { bad_state, 5 }, { two_states, 5 }, { bad_n, 5 }, { huge_n, 5 },
    { leading_zero, 5 }, { out_of_order, 5 }, { empty_addr, 5 }, { stray, 6 }, { 0, 0 },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rcptlist l = RCPTLIST_ZERO;
    errno = 0;
    assert_int_equal(parse_fields(cases[i].f, cases[i].n, &l), -1);
    assert_int_equal(errno, EPROTO);
    assert_int_equal(l.n, 0);
  }
}

static void torn_record_refused(void **state)
{
  rcptlist l = RCPTLIST_ZERO, m = RCPTLIST_ZERO;
  rec_buf b = REC_BUF_ZERO;
  build_list(&l);
  assert_int_equal(rcptrec_build(&b, &l), 0);
  for (size_t n = 0; n < b.len; n += 3) assert_int_equal(rcptrec_parse(&m, b.s, n), -1);
  assert_int_equal(rcptrec_parse(&m, b.s, b.len), 0);
  rec_free(&b);
  rcptrec_free(&l);
  rcptrec_free(&m);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(roundtrip),
    cmocka_unit_test(malformed_refused),
    cmocka_unit_test(torn_record_refused),
)
