/* Unit tests for src/common/fdwait.c, the one "poll with a deadline" of
 * posta-remote (netio.c), posta-smtpd (smtpd_io.c) and posta-tlsd
 * (tlsd_net.c): a pipe that becomes readable before the deadline, a
 * deadline that passes (ETIMEDOUT, not early), a signal (EINTR) that
 * neither ends the wait nor stretches it, no deadline at all. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/fdwait.h"
#include "unit.h"

/* the pipe of each test: a fresh one, closed after it */
static int p[2] = { -1, -1 };

static int setup(void **state)
{
  (void)state;
  return pipe(p);
}

static int teardown(void **state)
{
  (void)state;
  if (p[1] >= 0) close(p[1]);
  close(p[0]);
  return 0;
}

static long long now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A child that writes one byte to fd after ms milliseconds. */
static pid_t write_later(int fd, int ms)
{
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (!pid) {
    struct timespec d = { ms / 1000, (long)(ms % 1000) * 1000000 };
    nanosleep(&d, 0);
    _exit(write(fd, "x", 1) == 1 ? 0 : 1);
  }
  return pid;
}

/* A wait on the pipe's read end ends with ETIMEDOUT at its deadline, ms
 * from now: not before, not much later. */
static void times_out(int ms)
{
  long long t0 = now_ms();
  errno = 0;
  assert_int_equal(fdwait_ms(p[0], POLLIN, ms), -1);
  assert_int_equal(errno, ETIMEDOUT);
  long long took = now_ms() - t0;
  assert_true(took >= ms && took < 2000);
}

static void test_readable(void **state)
{
  (void)state;
  pid_t pid = write_later(p[1], 100);
  long long t0 = now_ms();
  assert_int_equal(fdwait_ms(p[0], POLLIN, 5000), 0);
  long long took = now_ms() - t0;
  assert_true(took >= 90 && took < 4000);
  assert_int_equal(waitpid(pid, 0, 0), pid);
  /* ready at once, even with a deadline already past */
  struct timespec d;
  fdwait_deadline(&d, 0);
  assert_int_equal(fdwait(p[0], POLLIN, &d), 0);
  assert_int_equal(fdwait(p[1], POLLOUT, 0), 0);
}

static void test_deadline(void **state)
{
  (void)state;
  times_out(150);
  struct timespec d;
  fdwait_deadline(&d, 2500);
  long long left = fdwait_left(&d);
  assert_true(left > 2000 && left <= 2500);
  fdwait_deadline(&d, 0);
  assert_int_equal(fdwait_left(&d), 0);
  assert_int_equal(fdwait(p[0], POLLIN, &d), -1);
  assert_int_equal(errno, ETIMEDOUT);
}

static void on_alarm(int sig)
{
  (void)sig;
}

/* SIGALRM every 50 ms, without SA_RESTART: poll fails with EINTR. */
static void alarms(int on)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on ? on_alarm : SIG_DFL;
  sigemptyset(&sa.sa_mask);
  assert_int_equal(sigaction(SIGALRM, &sa, 0), 0);
  struct itimerval it = { { 0, on ? 50000 : 0 }, { 0, on ? 50000 : 0 } };
  assert_int_equal(setitimer(ITIMER_REAL, &it, 0), 0);
}

static void test_eintr(void **state)
{
  (void)state;
  alarms(1);
  /* signals all along: the wait still ends at its deadline, not before,
   * not later (a wait restarted whole on each signal would never end) */
  times_out(400);
  /* and data arriving between signals is seen */
  pid_t pid = write_later(p[1], 200);
  assert_int_equal(fdwait_ms(p[0], POLLIN, 5000), 0);
  alarms(0);
  assert_int_equal(waitpid(pid, 0, 0), pid);
}

static void test_forever(void **state)
{
  (void)state;
  pid_t pid = write_later(p[1], 50);
  assert_int_equal(fdwait_ms(p[0], POLLIN, -1), 0);
  assert_int_equal(waitpid(pid, 0, 0), pid);
  /* a closed write end: POLLHUP, ready (the read says end of file) */
  close(p[1]);
  p[1] = -1;
  char c;
  assert_int_equal(read(p[0], &c, 1), 1);
  assert_int_equal(fdwait(p[0], POLLIN, 0), 0);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test_setup_teardown(test_readable, setup, teardown),
    cmocka_unit_test_setup_teardown(test_deadline, setup, teardown),
    cmocka_unit_test_setup_teardown(test_eintr, setup, teardown),
    cmocka_unit_test_setup_teardown(test_forever, setup, teardown),
)
