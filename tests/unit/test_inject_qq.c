/* Unit tests for src/sk/inject_qq.c: a fake injector (a shell script) gets
 * the message on fd 0 and the envelope on fd 1; its exit code, its crash,
 * its early death and a missing program each come back as they should. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsfix.h"
#include "sk/inject_qq.h"
#include "unit.h"

static char dir[] = "/tmp/test_inject_qq.XXXXXX";
static char prog[256];

static int setup(void **state)
{
  FILE *f;
  if (!mkdtemp(dir)) return -1;
  snprintf(prog, sizeof prog, "%s/fakeqq", dir);
  f = fopen(prog, "w");
  if (!f) return -1;
  fprintf(f, "#!/bin/sh\n"
             "case \"$FAKEQQ\" in early) exit 53;; crash) kill -9 $$;; esac\n"
             "cat > \"$FAKEQQ_DIR/msg\"\n"
             "cat 0<&1 1>\"$FAKEQQ_DIR/env\"\n"
             "exit \"$FAKEQQ\"\n");
  fclose(f);
  chmod(prog, 0755);
  setenv("FAKEQQ_DIR", dir, 1);
  signal(SIGPIPE, SIG_IGN);
  return 0;
}

static int teardown(void **state)
{
  char fn[300];
  snprintf(fn, sizeof fn, "%s/msg", dir); unlink(fn);
  snprintf(fn, sizeof fn, "%s/env", dir); unlink(fn);
  unlink(prog);
  rmdir(dir);
  return 0;
}

static size_t slurp(char const *name, char *buf, size_t size)
{
  char fn[300];
  snprintf(fn, sizeof fn, "%s/%s", dir, name);
  return read_file(fn, buf, size);
}

static void queued(void **state)
{
  inject_qq q;
  char buf[256];
  static char const env[] = "Fa@b\0Tc@d\0\0";
  setenv("FAKEQQ", "0", 1);
  assert_int_equal(inject_qq_start(&q, prog), 0);
  assert_int_equal(inject_qq_write(&q, "Subject: x\n\nhi\n", 15), 0);
  assert_int_equal(inject_qq_finish(&q, env, sizeof env - 1), 0);
  assert_int_equal(slurp("msg", buf, sizeof buf), 15);
  assert_memory_equal(buf, "Subject: x\n\nhi\n", 15);
  assert_int_equal(slurp("env", buf, sizeof buf), sizeof env - 1);
  assert_memory_equal(buf, env, sizeof env - 1);
}

static void exit_code(void **state)
{
  inject_qq q;
  setenv("FAKEQQ", "91", 1);
  assert_int_equal(inject_qq_start(&q, prog), 0);
  assert_int_equal(inject_qq_finish(&q, "", 0), 91);
}

static void died_early(void **state)
{
  /* the injector exits before reading: our writes fail, its code stands */
  inject_qq q;
  static char big[1 << 20];
  setenv("FAKEQQ", "early", 1);
  assert_int_equal(inject_qq_start(&q, prog), 0);
  assert_int_equal(inject_qq_write(&q, big, sizeof big), -1);
  assert_int_equal(errno, EPIPE);
  assert_int_equal(inject_qq_finish(&q, "x", 1), 53);
}

static void crashed(void **state)
{
  inject_qq q;
  setenv("FAKEQQ", "crash", 1);
  assert_int_equal(inject_qq_start(&q, prog), 0);
  assert_int_equal(inject_qq_finish(&q, "x", 1), INJECT_QQ_CRASHED);
}

static void missing(void **state)
{
  inject_qq q;
  assert_int_equal(inject_qq_start(&q, "/nonexistent/posta-queue"), -1);
  assert_int_equal(errno, ENOENT);
}

static void texts(void **state)
{
  assert_string_equal(inject_qq_text(53), "write error or disk full in the queue");
  assert_string_equal(inject_qq_text(INJECT_QQ_CRASHED), "the injector crashed");
  assert_non_null(inject_qq_text(200));
  assert_true(inject_qq_permanent(11));
  assert_true(inject_qq_permanent(31));
  assert_false(inject_qq_permanent(53));
  assert_false(inject_qq_permanent(91));
  assert_false(inject_qq_permanent(INJECT_QQ_CRASHED));
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(queued),
    cmocka_unit_test(exit_code),
    cmocka_unit_test(died_early),
    cmocka_unit_test(crashed),
    cmocka_unit_test(missing),
    cmocka_unit_test(texts),
)
