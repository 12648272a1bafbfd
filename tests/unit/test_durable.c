/* Unit tests for src/common/durable.c: a put or replace leaves exactly the
 * new content under the name with the mode asked and no temporary file, a
 * failed one leaves the old file and no temporary, and removing a file that
 * is not there is not an error. */
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
#include <unistd.h>
#include <cmocka.h>

#include "fsfix.h"
#include "common/durable.h"
#include "unit.h"

static char dir[64];

static int setup(void **state)
{
  (void)state;
  umask(022);
  strcpy(dir, "/tmp/posta-test-durable-XXXXXX");
  return fsfix_enter(dir);
}

static int teardown(void **state)
{
  (void)state;
  return fsfix_remove(dir);
}

static void assert_file(char const *path, char const *want, mode_t mode)
{
  char buf[64];
  struct stat st;
  int fd = open(path, O_RDONLY);
  assert_true(fd >= 0);
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  assert_int_equal(n, strlen(want));
  assert_memory_equal(buf, want, (size_t)n);
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 07777, mode);
}

static void test_put_and_replace(void **state)
{
  (void)state;
  assert_int_equal(durable_put("a", "a.tmp", "one", 3, 0600), 0);
  assert_file("a", "one", 0600);
  assert_int_equal(access("a.tmp", F_OK), -1);
  assert_int_equal(durable_replace("a", "a.tmp", "second", 6, 0644), 0);
  assert_file("a", "second", 0644);
  assert_int_equal(access("a.tmp", F_OK), -1);
}

static void test_failed_put_keeps_the_old_file(void **state)
{
  (void)state;
  assert_int_equal(durable_put("b", "b.tmp", "old", 3, 0600), 0);
  assert_int_equal(mkdir("b.tmp.d", 0700), 0);
  /* the rename cannot put a file over a folder */
  assert_int_equal(durable_put("b.tmp.d", "b.tmp", "new", 3, 0600), -1);
  assert_int_equal(errno, EISDIR);
  assert_int_equal(access("b.tmp", F_OK), -1);
  assert_file("b", "old", 0600);
}

static void test_remove(void **state)
{
  (void)state;
  assert_int_equal(durable_put("c", "c.tmp", "x", 1, 0600), 0);
  assert_int_equal(durable_remove("c"), 0);
  assert_int_equal(access("c", F_OK), -1);
  assert_int_equal(durable_remove("c"), 0);
  assert_int_equal(durable_unlink("c"), 0);
  assert_int_equal(durable_remove("nofolder/c"), 0);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(test_put_and_replace),
    cmocka_unit_test(test_failed_put_keeps_the_old_file),
    cmocka_unit_test(test_remove),
)
