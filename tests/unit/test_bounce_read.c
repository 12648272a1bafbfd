/* Unit tests for src/posta-bounce/bounce_read.c: bounce_parse reads a
 * bounce or delay record into the notice's state, and returns (not exits)
 * 100 for a record it cannot use, so that posta-send keeps it aside. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <skalibs/strerr.h>

#include "fsfix.h"
#include "recfix.h"
#include "posta-bounce/bounce.h"
#include "unit.h"

static char dir[] = "/tmp/posta-test-bounce-read-XXXXXX";

static int setup(void **state)
{
  PROG = "test_bounce_read";
  return fsfix_enter(dir);   /* no queue/info here: from_info finds nothing */
}

static int teardown(void **state)
{
  return fsfix_remove(dir);
}

/* b gets a record of kind rkind with the fields f[0..n) */
static void load(bounce *b, rec_buf *rb, char const *rkind, char const *const *f, size_t n)
{
  memset(b, 0, sizeof *b);
  *rb = (rec_buf)REC_BUF_ZERO;
  recfix_build(rb, rkind, f, n);
  b->kind = DSN_FAILED;
  b->rkind = rkind;
  b->id = 42;
  b->fd = -1;
  snprintf(b->path, sizeof b->path, "queue/%s/0/42", rkind);
  b->rec = rb->s;
  b->reclen = rb->len;
}

static void done(bounce *b, rec_buf *rb)
{
  free(b->rcpt);
  free(b->info);
  rec_free(rb);
}

static void whole_record(void **state)
{
  static char const *const f[] = { "Fs@x", "t1700000000", "kf", "Aa@b", "Orfc822;A@B", "e5.1.1 no", "Ac@d" };
  bounce b;
  rec_buf rb;
  load(&b, &rb, "bounce", f, sizeof f / sizeof *f);
  assert_int_equal(bounce_parse(&b), 0);
  assert_string_equal(b.sender, "s@x");
  assert_int_equal(b.arrival, 1700000000);
  assert_int_equal(b.kind, DSN_FAILED);
  assert_int_equal(b.nrcpt, 2);
  assert_string_equal(b.rcpt[0].addr, "a@b");
  assert_string_equal(b.rcpt[0].orig, "rfc822;A@B");
  assert_string_equal(b.rcpt[0].result, "5.1.1 no");
  assert_string_equal(b.rcpt[1].addr, "c@d");
  assert_string_equal(b.rcpt[1].result, "");
  done(&b, &rb);
}

static void delay_kind(void **state)
{
  static char const *const d[] = { "F", "t5", "kd", "Aa@b" };
  static char const *const f[] = { "F", "t5", "kf", "Aa@b" };
  bounce b;
  rec_buf rb;
  load(&b, &rb, "bounce", d, 4);
  assert_int_equal(bounce_parse(&b), 0);
  assert_int_equal(b.kind, DSN_DELAYED);
  assert_string_equal(b.sender, "");
  done(&b, &rb);
  /* a delay record never asks for a failure notice */
  load(&b, &rb, "delay", f, 4);
  assert_int_equal(bounce_parse(&b), 100);
  done(&b, &rb);
}

/* Each record is refused with 100, and the test goes on: nothing exits. */
static void unusable(void **state)
{
  static char const *const norcpt[] = { "Fs@x", "t5" };
  static char const *const badtime[] = { "Fs@x", "t5x", "Aa@b" };
  static char const *const notime[] = { "Fs@x", "t", "Aa@b" };
  static char const *const noinfo[] = { "Aa@b" };
  static char const *const badkind[] = { "Fs@x", "t5", "kz", "Aa@b" };
  static struct { char const *const *f; size_t n; } const t[] = {
    { norcpt, 2 }, { badtime, 3 }, { notime, 3 }, { noinfo, 1 }, { badkind, 4 },
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    bounce b;
    rec_buf rb;
    load(&b, &rb, "bounce", t[i].f, t[i].n);
    assert_int_equal(bounce_parse(&b), 100);
    done(&b, &rb);
  }
  bounce b;
  rec_buf rb;
  load(&b, &rb, "bounce", noinfo, 1);
  b.rkind = "delay";   /* a record of another kind */
  assert_int_equal(bounce_parse(&b), 100);
  done(&b, &rb);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(whole_record),
    cmocka_unit_test(delay_kind),
    cmocka_unit_test(unusable),
)
