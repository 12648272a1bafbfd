/* Unit tests for src/posta-clean/cleanops.c: posta-clean's requests, on a
 * throwaway queue. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsfix.h"
#include "common/qpath.h"
#include "conf.h"
#include "posta-clean/cleanops.h"
#include "unit.h"

static char dir[] = "/tmp/posta-test-clean-XXXXXX";
static char out[512];

static void touch(char const *path, time_t mtime)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fclose(f);
  struct timeval tv[2] = { { mtime, 0 }, { mtime, 0 } };
  assert_int_equal(utimes(path, tv), 0);
}

static void touch_kind(char const *kind, uint64_t id)
{
  char path[QPATH_MAX];
  qpath(path, kind, id);
  touch(path, time(0));
}

static int there(char const *kind, uint64_t id)
{
  char path[QPATH_MAX];
  struct stat st;
  qpath(path, kind, id);
  return stat(path, &st) == 0;
}

static int setup(void **state)
{
  static char const *const kinds[] = { "mess", "todo", "intd", "info" };
  char path[QPATH_MAX];
  if (fsfix_enter(dir) < 0) return -1;
  mkdir("queue", 0755);
  mkdir("queue/pid", 0755);
  for (unsigned k = 0; k < 4; k++) {
    snprintf(path, sizeof path, "queue/%s", kinds[k]);
    mkdir(path, 0755);
    for (unsigned i = 0; i < CONF_SPLIT; i++) { qpath_dir(path, kinds[k], i); mkdir(path, 0755); }
  }
  return 0;
}

static int teardown(void **state)
{
  return fsfix_remove(dir);
}

static cleanbatch batch;

static char const *ask(char const *line)
{
  size_t n = cleanops_do(line, strlen(line), out, (uint64_t)time(0), &batch);
  out[n] = 0;
  return out;
}

static void todo_needs_info(void **state)
{
  touch_kind("mess", 100);
  touch_kind("todo", 100);
  assert_string_equal(ask("todo 100"), "!100 no info record: todo kept\n");
  assert_true(there("todo", 100));
  touch_kind("info", 100);
  assert_string_equal(ask("todo 100"), "+100\n");
  assert_false(there("todo", 100));
  assert_true(there("mess", 100));
  /* already gone is done */
  assert_string_equal(ask("todo 100"), "+100\n");
}

static void mess_removes_all(void **state)
{
  touch_kind("mess", 101);
  touch_kind("todo", 101);
  touch_kind("intd", 101);
  /* todo goes at once; mess waits for the fsync of todo/N */
  assert_string_equal(ask("mess 101"), "?101\n");
  assert_false(there("todo", 101));
  assert_false(there("intd", 101));
  assert_true(there("mess", 101));
  /* asked again meanwhile: still one request of the batch */
  assert_string_equal(ask("mess 101"), "?101\n");
  touch_kind("mess", 124);
  assert_string_equal(ask("mess 124"), "?124\n");
  assert_int_equal(batch.n, 2);
  assert_int_equal(cleanops_sync(&batch), 0);
  assert_int_equal(batch.err, 0);
  assert_true(there("mess", 101));
  assert_int_equal(cleanops_finish(&batch, 101, out), 5);
  assert_memory_equal(out, "+101\n", 5);
  assert_false(there("mess", 101));
  assert_int_equal(cleanops_finish(&batch, 124, out), 5);
  assert_false(there("mess", 124));
  batch.n = 0;
}

/* A folder whose fsync failed: mess is kept (todo's removal is not known
 * durable), the request answers the failure. */
static void mess_kept_when_sync_fails(void **state)
{
  char path[QPATH_MAX];
  touch_kind("mess", 102);
  assert_string_equal(ask("mess 102"), "?102\n");
  assert_int_equal(cleanops_sync(&batch), 0);
  batch.err = EIO;
  size_t n = cleanops_finish(&batch, 102, out);
  out[n] = 0;
  snprintf(path, sizeof path, "!102 unable to sync queue/todo: %s\n", strerror(EIO));
  assert_string_equal(out, path);
  assert_true(there("mess", 102));
  batch.n = 0;
}

static void stale_and_pid(void **state)
{
  char path[QPATH_MAX];
  time_t now = time(0);
  touch("queue/pid/555", now - CLEAN_STALE - 10);
  touch("queue/pid/556", now - 60);
  qpath(path, "intd", 102);
  touch(path, now - CLEAN_STALE - 10);
  qpath(path, "intd", 103);
  touch(path, now);
  assert_string_equal(ask("stale 0"), "+0\n");
  assert_false(access("queue/pid/555", F_OK) == 0);
  assert_true(access("queue/pid/556", F_OK) == 0);
  assert_false(there("intd", 102));
  assert_true(there("intd", 103));
  assert_string_equal(ask("pid 556"), "+556\n");
  assert_false(access("queue/pid/556", F_OK) == 0);
}

static void bad_requests(void **state)
{
  assert_string_equal(ask("rm 5"), "!5 unknown operation\n");
  assert_string_equal(ask("mess ../../etc"), "!0 malformed request\n");
  assert_string_equal(ask("mess 05"), "!0 malformed request\n");
  assert_string_equal(ask("mess"), "!0 malformed request\n");
  assert_string_equal(ask(""), "!0 malformed request\n");
  char longline[200];
  memset(longline, '1', sizeof longline - 1);
  longline[sizeof longline - 1] = 0;
  assert_string_equal(ask(longline), "!0 malformed request\n");
  assert_string_equal(cleanops_do("mess 1\0x", 8, out, 0, &batch) ? out : "", "!0 malformed request\n");
  assert_int_equal(batch.n, 0);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(todo_needs_info),
    cmocka_unit_test(mess_removes_all),
    cmocka_unit_test(mess_kept_when_sync_fails),
    cmocka_unit_test(stale_and_pid),
    cmocka_unit_test(bad_requests),
)
