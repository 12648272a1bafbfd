/* Unit tests for src/sk/inject_rcpt.c: completion, refusal of addresses an
 * envelope cannot hold, duplicates removed in order, the envelope bytes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sk/inject_rcpt.h"
#include "unit.h"

static inject_hosts const h = {
  .defaulthost = "mail.example.com", .defaultdomain = "example.com", .plusdomain = "example.net",
  .idhost = "example.com",
};

static void add(void **state)
{
  static char const list[] = "bob\0carol@x\0dave@y.example\0";
  stralloc out = STRALLOC_ZERO;
  char const *bad = 0;
  assert_int_equal(inject_rcpt_add(&h, list, sizeof list - 1, &out, &bad), 0);
  static char const want[] = "bob@mail.example.com\0carol@x.example.com\0dave@y.example\0";
  assert_int_equal(out.len, sizeof want - 1);
  assert_memory_equal(out.s, want, out.len);
  assert_int_equal(inject_rcpt_count(out.s, out.len), 3);
  stralloc_free(&out);
}

static void refused(void **state)
{
  static char const list[] = "ok@x.y\0tab\there@x.y\0";
  stralloc out = STRALLOC_ZERO;
  char const *bad = 0;
  assert_true(stralloc_cats(&out, "keep"));
  assert_int_equal(inject_rcpt_add(&h, list, sizeof list - 1, &out, &bad), -1);
  assert_int_equal(errno, EINVAL);
  assert_string_equal(bad, "tab\there@x.y");
  assert_int_equal(out.len, 4);
  stralloc_free(&out);
}

static void dedupe(void **state)
{
  static char const list[] = "c@x\0a@x\0c@x\0b@x\0a@x\0a@x\0C@x\0";
  static char const want[] = "c@x\0a@x\0b@x\0C@x\0";
  stralloc l = STRALLOC_ZERO;
  assert_true(stralloc_catb(&l, list, sizeof list - 1));
  assert_int_equal(inject_rcpt_dedupe(&l), 0);
  assert_int_equal(l.len, sizeof want - 1);
  assert_memory_equal(l.s, want, l.len);
  stralloc_free(&l);
}

static void dedupe_many(void **state)
{
  /* 20000 addresses, each twice: n log n, the first of each kept */
  stralloc l = STRALLOC_ZERO;
  char a[32];
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < 20000; i++) {
      int n = snprintf(a, sizeof a, "u%d@x", i);
      assert_true(stralloc_catb(&l, a, (size_t)n + 1));
    }
  assert_int_equal(inject_rcpt_dedupe(&l), 0);
  assert_int_equal(inject_rcpt_count(l.s, l.len), 20000);
  assert_string_equal(l.s, "u0@x");
  stralloc_free(&l);
}

static void envelope(void **state)
{
  static char const rcpts[] = "a@x\0b@y\0";
  static char const want[] = "Fme@z\0Ta@x\0Tb@y\0\0";
  stralloc env = STRALLOC_ZERO;
  assert_int_equal(inject_rcpt_envelope(&env, "me@z", rcpts, sizeof rcpts - 1), 0);
  assert_int_equal(env.len, sizeof want - 1);
  assert_memory_equal(env.s, want, env.len);
  env.len = 0;
  static char const want0[] = "F\0Ta@x\0Tb@y\0\0";
  assert_int_equal(inject_rcpt_envelope(&env, "", rcpts, sizeof rcpts - 1), 0);
  assert_int_equal(env.len, sizeof want0 - 1);
  assert_memory_equal(env.s, want0, env.len);
  stralloc_free(&env);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(add),
    cmocka_unit_test(refused),
    cmocka_unit_test(dedupe),
    cmocka_unit_test(dedupe_many),
    cmocka_unit_test(envelope),
)
