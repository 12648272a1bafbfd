/* Unit tests for src/posta-rspawn/rspawn_req.c: requests are read exactly
 * as doc/protocols.md writes them, and anything else is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "posta-rspawn/rspawn_req.h"
#include "unit.h"

#define REQ(s) s, sizeof s - 1

static void good(void **state)
{
  rspawn_req r;
  char const *why;
  assert_int_equal(rspawn_req_parse(&r, REQ("3\0" "12345\0" "alice@x.test\0" "bob@Example.net\0" "carol@example.NET\0"), &why), 0);
  assert_int_equal(r.slot, 3);
  assert_string_equal(r.id, "12345");
  assert_string_equal(r.sender, "alice@x.test");
  assert_int_equal(r.n, 2);
  assert_int_equal(r.ntotal, 2);
  assert_string_equal(r.rcpt[0], "bob@Example.net");
  assert_string_equal(r.rcpt[1], "carol@example.NET");
  assert_string_equal(r.host, "Example.net");
}

static void null_sender(void **state)
{
  rspawn_req r;
  char const *why;
  assert_int_equal(rspawn_req_parse(&r, REQ("0\0" "1\0" "\0" "bob@example.net\0"), &why), 0);
  assert_string_equal(r.sender, "");
}

static void unanswerable(void **state)
{
  rspawn_req r;
  char const *why;
  assert_int_equal(rspawn_req_parse(&r, REQ("x\0" "1\0" "\0" "b@e\0"), &why), -2);
  assert_int_equal(rspawn_req_parse(&r, REQ("1\0" "1\0" "\0" "b@e"), &why), -2);   /* no final NUL */
  assert_int_equal(rspawn_req_parse(&r, "", 0, &why), -2);
  assert_int_equal(rspawn_req_parse(&r, REQ("\0"), &why), -2);
  assert_int_equal(rspawn_req_parse(&r, REQ("99999999999\0" "1\0" "\0" "b@e\0"), &why), -2);
  assert_int_equal(rspawn_req_parse(&r, REQ("1000000\0" "1\0" "\0" "b@e\0"), &why), -2);
}

static void refused_but_answerable(void **state)
{
  rspawn_req r;
  char const *why;
  assert_int_equal(rspawn_req_parse(&r, REQ("2\0" "1\0" "s@x\0"), &why), -1);
  assert_string_equal(why, "no recipient");
  assert_int_equal(rspawn_req_parse(&r, REQ("2\0" "1\0" "s@x\0" "a@one.test\0" "b@two.test\0"), &why), -1);
  assert_string_equal(why, "recipients of several domains");
  assert_int_equal(r.ntotal, 2);
  assert_int_equal(rspawn_req_parse(&r, REQ("2\0" "1\0" "s@x\0" "nodomain\0"), &why), -1);
  assert_int_equal(rspawn_req_parse(&r, REQ("2\0" "1\0" "s@x\0" "trailing@\0"), &why), -1);
  assert_int_equal(rspawn_req_parse(&r, REQ("2\0" "1\0" "s@x\0" "\0"), &why), -1);
  assert_int_equal(rspawn_req_parse(&r, REQ("2\0" "abc\0" "s@x\0" "a@b\0"), &why), -1);
  assert_string_equal(why, "bad id");
  assert_int_equal(r.slot, 2);
}

static void too_many_recipients(void **state)
{
  static char buf[RSPAWN_REQ_MAX];
  size_t o = (size_t)sprintf(buf, "5") + 1;
  o += (size_t)sprintf(buf + o, "7") + 1;
  buf[o++] = 0;
  for (int i = 0; i < RSPAWN_RCPT_MAX + 1; i++) o += (size_t)sprintf(buf + o, "u%d@example.net", i) + 1;
  rspawn_req r;
  char const *why;
  assert_int_equal(rspawn_req_parse(&r, buf, o, &why), -1);
  assert_int_equal(r.ntotal, RSPAWN_RCPT_MAX + 1);
  assert_int_equal(r.n, RSPAWN_RCPT_MAX);
  /* exactly the limit is fine */
  o = (size_t)sprintf(buf, "5") + 1;
  o += (size_t)sprintf(buf + o, "7") + 1;
  buf[o++] = 0;
  for (int i = 0; i < RSPAWN_RCPT_MAX; i++) o += (size_t)sprintf(buf + o, "u%d@example.net", i) + 1;
  assert_int_equal(rspawn_req_parse(&r, buf, o, &why), 0);
  assert_int_equal(r.n, RSPAWN_RCPT_MAX);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(good),
    cmocka_unit_test(null_sender),
    cmocka_unit_test(unanswerable),
    cmocka_unit_test(refused_but_answerable),
    cmocka_unit_test(too_many_recipients),
)
