/* Unit tests for src/common/slurp.c, the one "read a whole file": a file
 * read whole with its NUL after it, the bound (EFBIG), a FIFO read empty
 * without blocking, O_NOFOLLOW refusing a link, and a pipe read to its end
 * or to the bound. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/slurp.h"
#include "unit.h"

static char dir[] = "/tmp/posta-test-slurp-XXXXXX";
static char path[64], link_[64], fifo[64];

static int setup(void **state)
{
  (void)state;
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/f", dir);
  snprintf(link_, sizeof link_, "%s/l", dir);
  snprintf(fifo, sizeof fifo, "%s/p", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("one\ntwo", f);
  fclose(f);
  assert_int_equal(symlink("f", link_), 0);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  unlink(path);
  unlink(link_);
  unlink(fifo);
  rmdir(dir);
  return 0;
}

static void test_path(void **state)
{
  (void)state;
  char *buf;
  size_t len;
  assert_int_equal(slurp_path(path, 0, 7, &buf, &len), 0);
  assert_int_equal(len, 7);
  assert_string_equal(buf, "one\ntwo");   /* the NUL after the data */
  free(buf);
  errno = 0;
  assert_int_equal(slurp_path(path, 0, 6, &buf, &len), -1);
  assert_int_equal(errno, EFBIG);
  assert_int_equal(slurp_path(link_, 0, 100, &buf, &len), 0);
  free(buf);
  assert_int_equal(slurp_path(link_, O_NOFOLLOW, 100, &buf, &len), -1);
  assert_int_equal(errno, ELOOP);
  /* a folder, like any file but a regular one, reads empty */
  assert_int_equal(slurp_path(dir, 0, 100, &buf, &len), 0);
  assert_int_equal(len, 0);
  free(buf);
  assert_int_equal(slurp_path("/nonexistent/x", 0, 100, &buf, &len), -1);
  assert_int_equal(errno, ENOENT);
}

static void test_fifo(void **state)
{
  (void)state;
  char *buf;
  size_t len = 99;
  /* a writer holds it open, with bytes in it: still read empty, at once */
  int w = open(fifo, O_RDWR);
  assert_true(w >= 0);
  assert_int_equal(write(w, "x", 1), 1);
  assert_int_equal(slurp_path(fifo, 0, 100, &buf, &len), 0);
  assert_int_equal(len, 0);
  assert_string_equal(buf, "");
  free(buf);
  close(w);
}

static void test_stream(void **state)
{
  (void)state;
  int p[2];
  char *buf;
  size_t len;
  static char big[200000];
  memset(big, 'b', sizeof big);
  assert_int_equal(pipe(p), 0);
  if (!fork()) {
    close(p[0]);
    _exit(write(p[1], big, sizeof big) == (ssize_t)sizeof big ? 0 : 1);
  }
  close(p[1]);
  assert_int_equal(slurp_stream(p[0], sizeof big + 1, &buf, &len), 0);
  assert_int_equal(len, sizeof big);
  assert_int_equal(buf[len], 0);
  assert_memory_equal(buf, big, sizeof big);
  free(buf);
  close(p[0]);
  int status;
  assert_true(wait(&status) > 0);
  assert_int_equal(status, 0);
  /* the bound: reads stop there, *len == max says there may be more */
  assert_int_equal(pipe(p), 0);
  assert_int_equal(write(p[1], "0123456789", 10), 10);
  assert_int_equal(slurp_stream(p[0], 4, &buf, &len), 0);
  assert_int_equal(len, 4);
  assert_string_equal(buf, "0123");
  free(buf);
  close(p[1]);
  assert_int_equal(slurp_stream(p[0], 100, &buf, &len), 0);
  assert_string_equal(buf, "456789");
  free(buf);
  close(p[0]);
}

static void test_fd(void **state)
{
  (void)state;
  char *buf;
  size_t len;
  int fd = open(path, O_RDONLY);
  assert_true(fd >= 0);
  assert_int_equal(lseek(fd, 2, SEEK_SET), 2);
  /* st_size bytes from where the descriptor is: the caller's offset */
  assert_int_equal(slurp_fd(fd, 100, &buf, &len), 0);
  assert_string_equal(buf, "e\ntwo");
  free(buf);
  close(fd);
  errno = 0;
  assert_int_equal(slurp_fd(-1, 100, &buf, &len), -1);
  assert_int_equal(errno, EBADF);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(test_path),
    cmocka_unit_test(test_fifo),
    cmocka_unit_test(test_stream),
    cmocka_unit_test(test_fd),
)
