/* Unit tests for src/posta-send/recover.c: leftovers of crashes are
 * removed, and nothing that could belong to a message being injected or
 * delivered is touched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>
#include <cmocka.h>

#include "sendfix.h"
#include "posta-send/recover.h"
#include "unit.h"

static int setup(void **state) { return fix_setup(10, 10, 10); }
static int teardown(void **state) { return fix_teardown(); }

static void put(char const *kind, uint64_t id, time_t when)
{
  char path[QPATH_MAX];
  qpath(path, kind, id);
  fix_file(path, "x");
  struct timeval tv[2] = { { when, 0 }, { when, 0 } };
  assert_int_equal(utimes(path, tv), 0);
}

/* Written now: ctime and mtime in the order of the calls (the order of
 * events recover.c reads). */
static void put_now(char const *kind, uint64_t id)
{
  char path[QPATH_MAX];
  struct timespec ms = { 0, 2000000 };
  qpath(path, kind, id);
  fix_file(path, "x");
  nanosleep(&ms, 0);
}

static void run_all(void)
{
  F.ctx.now = (uint64_t)time(0);
  F.ctx.recover_next = 0;
  while (recover_step(&F.ctx)) ;
}

static void leftovers(void **state)
{
  time_t now = time(0);
  /* 1: a record without info, todo or mess: removed */
  put("local", 1, now - 100);
  /* 2: a finished message whose mess is still there (older than the record) */
  put_now("mess", 2);
  put_now("remote", 2);
  /* 3: a new message injecting under an old record's inode: its mess is
   * newer than the record, and it must be left alone */
  put_now("local", 3);
  put_now("mess", 3);
  /* 4: a message being delivered: info present */
  put("mess", 4, now - 100);
  put("info", 4, now - 50);
  put("local", 4, now - 50);
  /* 5: queued, not yet preprocessed: todo present */
  put("mess", 5, now - 100);
  put("todo", 5, now - 100);
  put("local", 5, now - 50);
  /* 6: an abandoned injection older than 36 hours; 7: a recent one */
  put("mess", 6, now - STALE_SECONDS - 100);
  put("mess", 7, now - 3600);
  /* 8: known to posta-send */
  put("local", 8, now);
  assert_int_equal(idset_add(&F.ctx.known, 8), 1);
  run_all();
  assert_false(fix_exists("local", 1));
  assert_true(fix_exists("local", 3));
  assert_true(fix_exists("mess", 3));
  assert_true(fix_exists("local", 4));
  assert_true(fix_exists("local", 5));
  assert_true(fix_exists("local", 8));
  /* posta-clean is asked for 2 and 6 only, then for the stale pid and intd
   * files; each once */
  assert_string_equal(fix_clean_asked(), "mess 2\nmess 6\nstale 0\n");
  assert_true(idset_has(&F.ctx.known, 2));
  assert_true(idset_has(&F.ctx.known, 6));
  /* a second pass while the answers are awaited asks nothing twice */
  run_all();
  assert_string_equal(fix_clean_asked(), "stale 0\n");
  /* the answers: 2's record goes with its mess, both ids are free */
  fix_clean_answer("+2\n+6\n+0\n+0\n");
  assert_false(fix_exists("remote", 2));
  assert_false(idset_has(&F.ctx.known, 2));
  assert_false(idset_has(&F.ctx.known, 6));
}

static void not_before_its_time(void **state)
{
  put("local", 1, time(0));
  F.ctx.now = (uint64_t)time(0);
  F.ctx.recover_next = F.ctx.now + 10;
  assert_int_equal(recover_step(&F.ctx), 0);
  assert_true(fix_exists("local", 1));
}

UNIT_MAIN(0, 0,
    cmocka_unit_test_setup_teardown(leftovers, setup, teardown),
    cmocka_unit_test_setup_teardown(not_before_its_time, setup, teardown),
)
