/* Unit tests for src/posta-smtpd/smtpd_authfail.c: the keys of client
 * addresses, the window and the penalty with times given by the test,
 * charges that bound checks running at once, a flood of addresses that
 * leaves the file's size alone and a penalty in place, and a file that is
 * not ours refused. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsfix.h"
#include "posta-smtpd/smtpd_authfail.h"
#include "unit.h"

static char dir[] = "/tmp/posta-test-authfail-XXXXXX";
static smtpd_authfail const cfg = { 3, 100, 50 };

static int setup(void **state) { return fsfix_enter_mkdir(dir, "smtpd", 0700); }
static int teardown(void **state) { return fsfix_remove(dir); }

static int run(char const *ip, enum authfail_op op, time_t now)
{
  unsigned char key[AUTHFAIL_KEY];
  time_t until;
  smtpd_authfail_key(ip, key);
  return smtpd_authfail_run(&cfg, key, op, now, &until);
}

/* A charged check that failed: FAIL's result. */
static int fail_once(char const *ip, time_t now)
{
  assert_int_equal(run(ip, AUTHFAIL_CHARGE, now), 0);
  return run(ip, AUTHFAIL_FAIL, now);
}

static void keys(void **state)
{
  (void)state;
  unsigned char a[AUTHFAIL_KEY], b[AUTHFAIL_KEY];
  smtpd_authfail_key("192.0.2.7", a);
  smtpd_authfail_key("::ffff:192.0.2.7", b);
  assert_memory_equal(a, b, AUTHFAIL_KEY);
  smtpd_authfail_key("192.0.2.8", b);
  assert_memory_not_equal(a, b, AUTHFAIL_KEY);
  /* one /64 is one client */
  smtpd_authfail_key("2001:db8:1:2::1", a);
  smtpd_authfail_key("2001:db8:1:2:ffff:1:2:3%eth0", b);
  assert_memory_equal(a, b, AUTHFAIL_KEY);
  smtpd_authfail_key("2001:db8:1:3::1", b);
  assert_memory_not_equal(a, b, AUTHFAIL_KEY);
  /* no address, or none that parses: one key for all */
  smtpd_authfail_key(0, a);
  smtpd_authfail_key("not an address", b);
  assert_memory_equal(a, b, AUTHFAIL_KEY);
}

static void window_and_penalty(void **state)
{
  (void)state;
  time_t t = 1000000;
  assert_int_equal(run("192.0.2.1", AUTHFAIL_CHECK, t), 0);
  assert_int_equal(fail_once("192.0.2.1", t), 0);
  assert_int_equal(fail_once("192.0.2.1", t + 10), 0);
  /* the third within the window starts the penalty */
  assert_int_equal(fail_once("192.0.2.1", t + 20), 1);
  assert_int_equal(run("192.0.2.1", AUTHFAIL_CHECK, t + 21), 1);
  assert_int_equal(run("192.0.2.1", AUTHFAIL_CHARGE, t + 69), 1);
  /* another address is not concerned */
  assert_int_equal(run("192.0.2.2", AUTHFAIL_CHECK, t + 21), 0);
  assert_int_equal(run("192.0.2.2", AUTHFAIL_CHARGE, t + 21), 0);
  assert_int_equal(run("192.0.2.2", AUTHFAIL_REFUND, t + 21), 0);
  /* the penalty over, the address starts afresh */
  assert_int_equal(run("192.0.2.1", AUTHFAIL_CHECK, t + 70), 0);
  assert_int_equal(fail_once("192.0.2.1", t + 70), 0);
  assert_int_equal(fail_once("192.0.2.1", t + 71), 0);
  /* failures older than the window are forgotten */
  assert_int_equal(fail_once("192.0.2.1", t + 171), 0);
  assert_int_equal(fail_once("192.0.2.1", t + 172), 0);
  assert_int_equal(fail_once("192.0.2.1", t + 173), 1);
}

static void successes_refunded(void **state)
{
  (void)state;
  time_t t = 2000000;
  /* many successes between failures never add up */
  for (int i = 0; i < 10; i++) {
    assert_int_equal(run("192.0.2.3", AUTHFAIL_CHARGE, t + i), 0);
    assert_int_equal(run("192.0.2.3", AUTHFAIL_REFUND, t + i), 0);
  }
  assert_int_equal(fail_once("192.0.2.3", t + 10), 0);
  assert_int_equal(fail_once("192.0.2.3", t + 11), 0);
  assert_int_equal(run("192.0.2.3", AUTHFAIL_CHECK, t + 12), 0);
  /* checks running at once: no more than the limit leaves room for */
  assert_int_equal(run("192.0.2.4", AUTHFAIL_CHARGE, t), 0);
  assert_int_equal(run("192.0.2.4", AUTHFAIL_CHARGE, t), 0);
  assert_int_equal(run("192.0.2.4", AUTHFAIL_CHARGE, t), 0);
  assert_int_equal(run("192.0.2.4", AUTHFAIL_CHARGE, t), 1);
  assert_int_equal(run("192.0.2.4", AUTHFAIL_REFUND, t), 0);
  assert_int_equal(run("192.0.2.4", AUTHFAIL_CHARGE, t), 0);
}

static void flood(void **state)
{
  (void)state;
  char ip[64];
  struct stat st;
  time_t t = 3000000;
  assert_int_equal(fail_once("198.51.100.1", t), 0);
  assert_int_equal(fail_once("198.51.100.1", t), 0);
  assert_int_equal(fail_once("198.51.100.1", t), 1);
  /* more addresses than slots, one failure each */
  for (int i = 0; i < AUTHFAIL_SLOTS + 500; i++) {
    snprintf(ip, sizeof ip, "2001:db8:%x:%x::1", i >> 8, i & 0xff);
    assert_int_equal(fail_once(ip, t + 1), 0);
  }
  assert_int_equal(stat(AUTHFAIL_FILE, &st), 0);
  assert_true(st.st_size < 200000);
  assert_int_equal(st.st_mode & 0777, 0600);
  /* the penalty stayed; the newest addresses are still counted */
  assert_int_equal(run("198.51.100.1", AUTHFAIL_CHECK, t + 2), 1);
  assert_int_equal(fail_once(ip, t + 2), 0);
  assert_int_equal(fail_once(ip, t + 2), 1);
}

static void foreign_file_refused(void **state)
{
  (void)state;
  time_t t = 4000000;
  unlink(AUTHFAIL_FILE);
  /* a short or garbled file is taken as empty and made whole again */
  int fd = open(AUTHFAIL_FILE, O_WRONLY | O_CREAT, 0600);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "garbage", 7), 7);
  close(fd);
  assert_int_equal(fail_once("192.0.2.9", t), 0);
  struct stat st;
  assert_int_equal(stat(AUTHFAIL_FILE, &st), 0);
  assert_true(st.st_size > 100000);
  /* others may read or write it: refused */
  chmod(AUTHFAIL_FILE, 0666);
  assert_int_equal(run("192.0.2.9", AUTHFAIL_CHECK, t), -1);
  assert_int_equal(errno, EPERM);
  /* a link is never followed */
  unlink(AUTHFAIL_FILE);
  assert_int_equal(symlink("/tmp", AUTHFAIL_FILE), 0);
  assert_int_equal(run("192.0.2.9", AUTHFAIL_CHARGE, t), -1);
  assert_int_equal(errno, ELOOP);
  unlink(AUTHFAIL_FILE);
  /* no folder: an error, never a silent pass */
  rmdir("smtpd");
  assert_int_equal(run("192.0.2.9", AUTHFAIL_CHECK, t), -1);
  mkdir("smtpd", 0700);
  /* max 0: off, nothing touched */
  smtpd_authfail off = { 0, 100, 50 };
  unsigned char key[AUTHFAIL_KEY];
  time_t until;
  smtpd_authfail_key("192.0.2.9", key);
  assert_int_equal(smtpd_authfail_run(&off, key, AUTHFAIL_FAIL, t, &until), 0);
  assert_int_equal(access(AUTHFAIL_FILE, F_OK), -1);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(keys),
    cmocka_unit_test(window_and_penalty),
    cmocka_unit_test(successes_refunded),
    cmocka_unit_test(flood),
    cmocka_unit_test(foreign_file_refused),
)
