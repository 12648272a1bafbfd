/* Unit tests for src/sk/newu.c: users/assign compiled into users/cdb, a
 * malformed file refused with 100 (the old users/cdb and no cdb.tmp left)
 * and a missing users/ with 111, each returned, not exited. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <skalibs/strerr.h>

#include "fsfix.h"
#include "sk/newu.h"
#include "unit.h"

static char dir[] = "/tmp/posta-test-newu-XXXXXX";

static int setup(void **state)
{
  PROG = "test_newu";
  return fsfix_enter(dir);
}

static int teardown(void **state)
{
  return fsfix_remove(dir);
}

static void compiles(void **state)
{
  struct stat st;
  assert_int_equal(mkdir("users", 0755), 0);
  write_file("users/assign", "=alice:alice:1001:100:/home/alice:::\n.\n");
  assert_int_equal(newu_lock(), 0);
  assert_int_equal(newu_compile(), 0);
  assert_int_equal(stat("users/cdb", &st), 0);
  assert_true(st.st_size > 0);
  off_t size = st.st_size;
  /* a malformed line: refused, users/cdb as it was, nothing left over */
  write_file("users/assign", "=alice:alice:1001:100:/home/alice:::\nbogus\n.\n");
  assert_int_equal(newu_compile(), 100);
  assert_int_equal(stat("users/cdb", &st), 0);
  assert_int_equal(st.st_size, size);
  assert_int_equal(stat("users/cdb.tmp", &st), -1);
  /* no users/assign: a system error */
  assert_int_equal(unlink("users/assign"), 0);
  assert_int_equal(newu_compile(), 111);
}

static void no_users_folder(void **state)
{
  assert_int_equal(chdir("/"), 0);
  char sub[sizeof dir + 8];
  memcpy(sub, dir, sizeof dir - 1);
  memcpy(sub + sizeof dir - 1, "/none", 6);
  assert_int_equal(mkdir(sub, 0755), 0);
  assert_int_equal(chdir(sub), 0);
  assert_int_equal(newu_lock(), 111);
  assert_int_equal(newu_compile(), 111);
  assert_int_equal(chdir(dir), 0);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(compiles),
    cmocka_unit_test(no_users_folder),
)
