/* Unit tests for src/posta-inject/pi_opts.c: qmail-inject's flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "posta-inject/pi_opts.h"
#include "unit.h"

#define ARGS(...) ((char const *const[]){ "posta-inject", __VA_ARGS__, 0 })
#define N(a) ((int)(sizeof(a) / sizeof *(a)) - 1)
#define P(o, ...) pi_opts(N(ARGS(__VA_ARGS__)), ARGS(__VA_ARGS__), o)

static void flags(void **state)
{
  inject_opts o;
  assert_int_equal(P(&o, "a@b"), 1);
  assert_int_equal(o.rcpts, INJECT_RCPT_ARGS_OR_HEADER);
  assert_int_equal(o.dot, 0);
  assert_int_equal(o.print, 0);
  assert_null(o.sender);
  assert_int_equal(P(&o, "-a", "x"), 2);
  assert_int_equal(o.rcpts, INJECT_RCPT_ARGS);
  assert_int_equal(P(&o, "-h"), 2);
  assert_int_equal(o.rcpts, INJECT_RCPT_HEADER);
  assert_int_equal(P(&o, "-H"), 2);
  assert_int_equal(o.rcpts, INJECT_RCPT_BOTH);
  assert_int_equal(P(&o, "-h", "-A"), 3);         /* the last one wins */
  assert_int_equal(o.rcpts, INJECT_RCPT_ARGS_OR_HEADER);
  assert_int_equal(P(&o, "-n"), 2);
  assert_int_equal(o.print, 1);
  assert_int_equal(P(&o, "-nN"), 2);
  assert_int_equal(o.print, 0);
  assert_int_equal(P(&o, "-fme@x", "r"), 2);
  assert_string_equal(o.sender, "me@x");
  assert_int_equal(P(&o, "-f", "me@y"), 3);
  assert_string_equal(o.sender, "me@y");
}

static void refused(void **state)
{
  inject_opts o;
  assert_int_equal(P(&o, "-t"), -1);
  assert_int_equal(P(&o, "-f"), -1);
  assert_int_equal(P(&o, "-z", "a"), -1);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(flags),
    cmocka_unit_test(refused),
)
