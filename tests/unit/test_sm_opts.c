/* Unit tests for src/sendmail/sm_opts.c: the flags programs pass to
 * sendmail, those it uses, those it ignores, those it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "sendmail/sm_opts.h"
#include "unit.h"

#define ARGS(...) ((char const *const[]){ "sendmail", __VA_ARGS__, 0 })
#define N(a) ((int)(sizeof(a) / sizeof *(a)) - 1)

static int parse(char const *const *argv, int argc, inject_opts *o)
{
  char const *why = 0;
  int r = sm_opts(argc, argv, o, &why);
  if (r < 0) assert_non_null(why);
  return r;
}
#define P(o, ...) parse(ARGS(__VA_ARGS__), N(ARGS(__VA_ARGS__)), o)

static void defaults(void **state)
{
  inject_opts o;
  assert_int_equal(P(&o, "bob@x"), 1);
  assert_null(o.sender);
  assert_null(o.fullname);
  assert_int_equal(o.dot, 1);
  assert_int_equal(o.rcpts, INJECT_RCPT_ARGS);
  assert_int_equal(o.print, 0);
}

static void used(void **state)
{
  inject_opts o;
  assert_int_equal(P(&o, "-t", "-i", "-f", "me@x", "-F", "My Name", "a@b"), 7);
  assert_int_equal(o.rcpts, INJECT_RCPT_BOTH);
  assert_int_equal(o.dot, 0);
  assert_string_equal(o.sender, "me@x");
  assert_string_equal(o.fullname, "My Name");
  assert_int_equal(P(&o, "-fme@x", "-FName", "-oi"), 4);
  assert_string_equal(o.sender, "me@x");
  assert_string_equal(o.fullname, "Name");
  assert_int_equal(o.dot, 0);
  assert_int_equal(P(&o, "-ti"), 2);              /* grouped */
  assert_int_equal(o.rcpts, INJECT_RCPT_BOTH);
  assert_int_equal(o.dot, 0);
  assert_int_equal(P(&o, "-it"), 2);
  assert_int_equal(o.dot, 0);
  assert_int_equal(P(&o, "-r", "old@x"), 3);      /* -r is an old -f */
  assert_string_equal(o.sender, "old@x");
  assert_int_equal(P(&o, "-f", "", "a"), 3);      /* the null sender */
  assert_string_equal(o.sender, "");
  assert_int_equal(P(&o, "--", "-notaflag@x"), 2);
  assert_int_equal(P(&o, "-bm", "a"), 2);
}

static void ignored(void **state)
{
  inject_opts o;
  assert_int_equal(P(&o, "-oem", "-odb", "-odi", "-oQ/var/spool/mqueue", "-v", "-B8BITMIME",
                     "-N", "never", "-R", "hdrs", "-V", "envid", "-h", "17", "-L", "tag",
                     "-X", "/tmp/log", "-C", "/etc/cf", "-U", "-G", "-m", "-n", "-Ox=y",
                     "-pesmtp", "-d0", "a@b"), 28);
  assert_int_equal(o.dot, 1);                     /* -oem is not -oi */
  assert_int_equal(o.rcpts, INJECT_RCPT_ARGS);
}

static void refused(void **state)
{
  inject_opts o;
  assert_int_equal(P(&o, "-x", "a"), -1);
  assert_int_equal(P(&o, "-bp"), -1);
  assert_int_equal(P(&o, "-bs"), -1);
  assert_int_equal(P(&o, "-bi"), -1);
  assert_int_equal(P(&o, "-q"), -1);
  assert_int_equal(P(&o, "-q1h"), -1);
  assert_int_equal(P(&o, "-f"), -1);              /* -f without its value */
  assert_int_equal(P(&o, "-I"), -1);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(defaults),
    cmocka_unit_test(used),
    cmocka_unit_test(ignored),
    cmocka_unit_test(refused),
)
