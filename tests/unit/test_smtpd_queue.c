/* Unit tests for src/posta-smtpd/smtpd_queue.c: running the injector, the
 * envelope written whole or not at all, and the reply for each exit code. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsfix.h"
#include "posta-smtpd/smtpd_queue.h"
#include "unit.h"

static char dir[] = "/tmp/posta-test-smtpd-queue-XXXXXX";
static char keep[300], quick[300], killed[300];

static void script(char *path, size_t size, char const *name, char const *text)
{
  snprintf(path, size, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  chmod(path, 0755);
}

static int setup(void **state)
{
  if (fsfix_enter(dir) < 0) return -1;
  signal(SIGPIPE, SIG_IGN);
  /* keeps what it gets; exits with $CODE */
  script(keep, sizeof keep, "keep", "#!/bin/sh\ncat > msg\ncat <&1 > env\nexit ${CODE:-0}\n");
  /* reads nothing */
  script(quick, sizeof quick, "quick", "#!/bin/sh\nexit 71\n");
  script(killed, sizeof killed, "killed", "#!/bin/sh\ncat > msg\nkill -9 $$\n");
  return 0;
}

static int teardown(void **state)
{
  return fsfix_remove(dir);
}

static void commit(void **state)
{
  static char buf[1 << 20];
  static char rcpts[400000];
  smtpd_inj j;
  size_t rlen = 0;
  /* 2000 recipients: the envelope is far bigger than a pipe's buffer */
  for (int i = 0; i < 2000; i++) rlen += (size_t)sprintf(rcpts + rlen, "Trecipient-number-%04d@example.org", i) + 1;
  unsetenv("CODE");
  assert_int_equal(smtpd_queue_start(&j, keep, 10, 0), 0);
  smtpd_queue_put(&j, "Received: x\n", 12);
  for (int i = 0; i < 1000; i++) smtpd_queue_put(&j, "0123456789abcdef0123456789abcdef\n", 33);
  assert_int_equal(smtpd_queue_commit(&j, "a@b.c", 5, rcpts, rlen), 0);
  assert_int_equal(smtpd_queue_wait(&j), 0);
  assert_int_equal(read_file("msg", buf, sizeof buf), 12 + 33000);
  size_t n = read_file("env", buf, sizeof buf);
  assert_int_equal(n, 7 + rlen + 1);
  assert_memory_equal(buf, "Fa@b.c\0", 7);
  assert_memory_equal(buf + 7, rcpts, rlen);
  assert_int_equal(buf[n - 1], 0);
}

static void abort_run(void **state)
{
  static char buf[4096];
  smtpd_inj j;
  setenv("CODE", "54", 1);
  assert_int_equal(smtpd_queue_start(&j, keep, 10, 0), 0);
  smtpd_queue_put(&j, "half a message\n", 15);
  smtpd_queue_abort(&j);
  smtpd_queue_abort(&j);          /* twice is harmless */
  assert_int_equal(smtpd_queue_wait(&j), 54);
  /* the injector saw the end of both: no envelope at all */
  assert_int_equal(read_file("env", buf, sizeof buf), 0);
  /* nothing flushed before the abort either: the buffer was dropped */
  assert_int_equal(read_file("msg", buf, sizeof buf), 0);
  unsetenv("CODE");
}

static void broken(void **state)
{
  static char big[1 << 16];
  smtpd_inj j;
  memset(big, 'x', sizeof big);
  assert_int_equal(smtpd_queue_start(&j, quick, 10, 0), 0);
  for (int i = 0; i < 64 && !j.broken; i++) smtpd_queue_put(&j, big, sizeof big);
  assert_true(j.broken);
  assert_int_equal(smtpd_queue_commit(&j, "a@b.c", 5, "Tx@y.z", 7), -1);
  assert_int_equal(smtpd_queue_wait(&j), 71);
}

static void crash_and_exec(void **state)
{
  char why[16];
  smtpd_inj j;
  assert_int_equal(smtpd_queue_start(&j, killed, 10, 0), 0);
  smtpd_queue_put(&j, "x\n", 2);
  smtpd_queue_commit(&j, "a@b.c", 5, "Tx@y.z", 7);
  int st = smtpd_queue_wait(&j);
  assert_int_equal(st, 256 + SIGKILL);
  assert_string_equal(smtpd_queue_reply(st, why), "451 4.3.0 the queue crashed");
  assert_string_equal(why, "signal 9");
  assert_int_equal(smtpd_queue_start(&j, "/nonexistent/posta-queue", 10, 0), 0);
  smtpd_queue_abort(&j);
  st = smtpd_queue_wait(&j);
  assert_int_equal(st, SMTPD_INJ_EXEC);
  assert_string_equal(smtpd_queue_reply(st, why), "451 4.3.0 unable to run the queue");
}

static void replies(void **state)
{
  char why[16];
  struct { int st; char const *prefix; char const *why; } t[] = {
    { 11, "554 5.1.3", "exit 11" }, { 12, "554 5.3.0", "exit 12" }, { 31, "554 5.3.0", "exit 31" },
    { 40, "554 5.3.0", "exit 40" }, { 41, "451 4.3.0", "exit 41" }, { 51, "451 4.3.0", "exit 51" },
    { 53, "451 4.3.0", "exit 53" }, { 54, "451 4.3.0", "exit 54" }, { 61, "451 4.3.0", "exit 61" },
    { 66, "451 4.3.0", "exit 66" }, { 71, "451 4.3.0", "exit 71" }, { 74, "451 4.3.0", "exit 74" },
    { 81, "451 4.3.0", "exit 81" }, { 91, "554 5.6.0", "exit 91" }, { 100, "451 4.3.0", "exit 100" },
    { 111, "451 4.3.0", "exit 111" }, { 1, "451 4.3.0", "exit 1" }, { 255, "451 4.3.0", "exit 255" },
    { 256 + 11, "451 4.3.0", "signal 11" },
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    char const *r = smtpd_queue_reply(t[i].st, why);
    assert_memory_equal(r, t[i].prefix, 9);
    assert_string_equal(why, t[i].why);
  }
}

/* posta-injectd's answer as smtpd_injd_wait reads it: the code, and after
 * a 0 the queue id up to the end of file (doc/protocols.md). */
static int answer(char const *bytes, size_t n, smtpd_inj *j)
{
  int sv[2];
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  memset(j, 0, sizeof *j);
  j->sock = 1;
  j->envfd = -1;
  j->id = 99;
  smtpd_io_init(&j->msg, sv[0], 5);
  assert_int_equal(write(sv[1], bytes, n), (ssize_t)n);
  close(sv[1]);
  return smtpd_queue_wait(j);
}

static void injd_id(void **state)
{
  smtpd_inj *j = malloc(sizeof *j);
  assert_non_null(j);
  assert_int_equal(answer("\0" "10962541", 9, j), 0);
  assert_int_equal(j->id, 10962541);
  assert_int_equal(answer("\0" "18446744073709551615", 21, j), 0);
  assert_true(j->id == UINT64_MAX);
  /* an older daemon, no digits, not digits, too many: no id, still queued */
  assert_int_equal(answer("\0", 1, j), 0);
  assert_int_equal(j->id, 0);
  assert_int_equal(answer("\0" "12a", 4, j), 0);
  assert_int_equal(j->id, 0);
  assert_int_equal(answer("\0" "123456789012345678901", 22, j), 0);
  assert_int_equal(j->id, 0);
  /* a refusal carries no id; nothing at all is a lost daemon */
  assert_int_equal(answer("\x35", 1, j), 53);
  assert_int_equal(j->id, 99);
  assert_int_equal(answer("", 0, j), SMTPD_INJ_LOST);
  free(j);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(commit),
    cmocka_unit_test(abort_run),
    cmocka_unit_test(broken),
    cmocka_unit_test(crash_and_exec),
    cmocka_unit_test(replies),
    cmocka_unit_test(injd_id),
)
