/* Unit tests for src/sendmail/sm_opts.c: the flags programs pass to
 * sendmail, those it uses, those it ignores, those it refuses, and the
 * modes its flags and its names pick. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "sendmail/sm_opts.h"
#include "unit.h"

#define ARGS(...) ((char const *const[]){ "sendmail", __VA_ARGS__, 0 })
#define N(a) ((int)(sizeof(a) / sizeof *(a)) - 1)

static enum sm_mode last_mode;

static int parse(char const *const *argv, int argc, inject_opts *o)
{
  char const *why = 0;
  last_mode = 0;
  int r = sm_opts(argc, argv, o, &last_mode, &why);
  if (r < 0) assert_non_null(why);
  return r;
}
#define P(o, ...) parse(ARGS(__VA_ARGS__), N(ARGS(__VA_ARGS__)), o)
#define NAMED(name, ...) ((char const *const[]){ name, __VA_ARGS__, 0 })
#define PN(o, name, ...) parse(NAMED(name, __VA_ARGS__), N(NAMED(name, __VA_ARGS__)), o)

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
  assert_int_equal(last_mode, SM_SEND);
}

static void modes(void **state)
{
  inject_opts o;
  assert_int_equal(P(&o, "-bp"), 2);
  assert_int_equal(last_mode, SM_LIST);
  assert_int_equal(P(&o, "-b", "p"), 3);
  assert_int_equal(last_mode, SM_LIST);
  assert_int_equal(P(&o, "-bi"), 2);
  assert_int_equal(last_mode, SM_ALIASES);
  assert_int_equal(P(&o, "-bs"), 2);
  assert_int_equal(last_mode, SM_SMTP);
  assert_int_equal(P(&o, "-q"), 2);
  assert_int_equal(last_mode, SM_FLUSH);
  assert_int_equal(P(&o, "-q1h"), 2);             /* an interval: flushed once */
  assert_int_equal(last_mode, SM_FLUSH);
  assert_int_equal(P(&o, "-v", "-q"), 3);         /* after a word read whole */
  assert_int_equal(last_mode, SM_FLUSH);
  assert_int_equal(P(&o, "-q", "-v"), 3);
  assert_int_equal(last_mode, SM_FLUSH);
  assert_int_equal(P(&o, "-t", "a@b"), 2);
  assert_int_equal(last_mode, SM_SEND);
  /* the name it is called by */
  assert_int_equal(PN(&o, "/usr/bin/mailq", "-v"), 2);
  assert_int_equal(last_mode, SM_LIST);
  assert_int_equal(parse((char const *const[]){ "mailq", 0 }, 1, &o), 1);
  assert_int_equal(last_mode, SM_LIST);
  assert_int_equal(parse((char const *const[]){ "/usr/bin/newaliases", 0 }, 1, &o), 1);
  assert_int_equal(last_mode, SM_ALIASES);
  assert_int_equal(PN(&o, "/usr/lib/sendmail", "a@b"), 1);
  assert_int_equal(last_mode, SM_SEND);
  assert_int_equal(parse((char const *const[]){ 0 }, 0, &o), 1);   /* no argv[0] at all */
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
  assert_int_equal(P(&o, "-bd"), -1);             /* a daemon: not ours */
  assert_int_equal(P(&o, "-bt"), -1);
  assert_int_equal(P(&o, "-bv", "a@b"), -1);
  assert_int_equal(P(&o, "-bpx"), -1);
  assert_int_equal(P(&o, "-bp", "a@b"), -1);      /* a mode takes no recipient */
  assert_int_equal(P(&o, "-q", "a@b"), -1);
  assert_int_equal(PN(&o, "mailq", "a@b"), -1);
  assert_int_equal(P(&o, "-f"), -1);              /* -f without its value */
  assert_int_equal(P(&o, "-I"), -1);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(defaults),
    cmocka_unit_test(used),
    cmocka_unit_test(ignored),
    cmocka_unit_test(modes),
    cmocka_unit_test(refused),
)
