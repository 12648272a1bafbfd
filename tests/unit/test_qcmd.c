/* Unit tests for src/posta-send/qcmd.c (with msgrm.c): operators' requests
 * in queue/cmd/ are applied to the info record durably and only by
 * posta-send, a removed message is never delivered again and leaves the
 * queue in the order of doc/queue.md, and a request that does not belong
 * to the message that has its id now is dropped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sendfix.h"
#include "common/cmdrec.h"
#include "common/slurp.h"
#include "posta-send/qcmd.h"
#include "unit.h"

static char req[SPAWN_PACKET_MAX];

static int setup(void **state)
{
  (void)state;
  if (fix_setup(10, 10, 10) < 0) return -1;
  mkdir("queue/cmd", 0700);
  mkdir("queue/delay", 0755);
  for (unsigned i = 0; i < CONF_SPLIT; i++) {
    char path[QPATH_MAX];
    qpath_dir(path, "delay", i);
    mkdir(path, 0755);
  }
  return 0;
}
static int teardown(void **state) { (void)state; return fix_teardown(); }

/* A request as the tools write it. */
static void request(uint64_t id, char op, uint64_t t)
{
  char path[CMDREC_PATH_MAX];
  rec_buf b = REC_BUF_ZERO;
  cmdrec c = { op, t, 0 };
  assert_int_equal(cmdrec_build(&b, &c), 0);
  cmdrec_path(path, id);
  assert_int_equal(durable_replace(path, "queue/cmd/tmp", b.s, b.len, 0600), 0);
  rec_free(&b);
}

static int pending(uint64_t id)
{
  char path[CMDREC_PATH_MAX];
  struct stat st;
  cmdrec_path(path, id);
  return stat(path, &st) == 0;
}

static void run_requests(void)
{
  F.ctx.cmd_again = 1;
  qcmd_step(&F.ctx);
}

/* A message deferred once and parked in the index, as after a restart. */
static void deferred(uint64_t id, char const *to)
{
  char const *const r[] = { to, 0 };
  char const *z[] = { "Z4.4.1 - connection refused", 0 };
  fix_new(id, "s@here.example", r);
  assert_int_equal(fix_drain(CHAN_REMOTE, req, sizeof req, 0), 1);
  fix_settle(CHAN_REMOTE, 0, z);
  assert_int_equal(F.ctx.nactive, 0);
  size_t i = 0;
  while (i < F.ctx.heap.n && F.ctx.heap.v[i].id != id) i++;
  assert_true(i < F.ctx.heap.n);
}

static void hold_then_release(void **state)
{
  (void)state;
  deferred(9000, "x@far.example");
  request(9000, CMDREC_HOLD, FIX_NOW);
  F.replaces = F.nwrites = 0;
  run_requests();
  /* info rewritten durably, the request gone, nothing else touched */
  assert_int_equal(F.replaces, 1);
  fix_writes_start("w queue/info/7/9000", "s queue/info/7");
  assert_int_equal(fix_read_info(9000).h, 1);
  assert_false(pending(9000));
  assert_true(fix_logged("hold msg 9000 uid 0\n"));
  /* due: looked at, held, parked again; no delivery */
  F.ctx.now = FIX_NOW + 20;
  schedq_step(&F.ctx);
  assert_int_equal(fix_drain(CHAN_REMOTE, req, sizeof req, 0), 0);
  assert_int_equal(mheap_top(&F.ctx.heap)->due, FIX_NOW + 20 + HELD_RECHECK);
  /* released: due at once */
  request(9000, CMDREC_RELEASE, FIX_NOW);
  run_requests();
  assert_int_equal(fix_read_info(9000).h, 0);
  assert_true(fix_logged("release msg 9000 uid 0\n"));
  assert_int_equal(mheap_top(&F.ctx.heap)->due, FIX_NOW + 20);
  schedq_step(&F.ctx);
  assert_int_equal(fix_drain(CHAN_REMOTE, req, sizeof req, 0), 1);
}

static void remove_parked(void **state)
{
  (void)state;
  deferred(9001, "x@far.example");
  fix_file("queue/bounce/8/9001", "a bounce record");
  fix_file("queue/delay/8/9001", "a delay record");
  request(9001, CMDREC_REMOVE, FIX_NOW);
  run_requests();
  assert_int_equal(fix_read_info(9001).x, 1);
  assert_true(fix_logged("remove msg 9001 uid 0\n"));
  /* raised in the index: removed at the next step, never delivered */
  F.nwrites = 0;
  schedq_step(&F.ctx);
  assert_int_equal(fix_drain(CHAN_REMOTE, req, sizeof req, 0), 0);
  /* the notices first, durably, then info: a notice never outlives it
   * (info's removal is made durable by posta-clean's sync, before mess) */
  fix_writes_start("u queue/bounce/8/9001", "u queue/delay/8/9001", "s queue/bounce/8", "s queue/delay/8",
                   "u queue/info/8/9001");
  assert_int_equal(F.nwrites, 5);
  assert_true(fix_logged("end msg 9001\n"));
  assert_string_equal(fix_clean_asked(), "todo 9001\nmess 9001\n");
  fix_clean_answer("+9001\n+9001\n");
  assert_false(fix_exists("remote", 9001));
  assert_false(idset_has(&F.ctx.known, 9001));
  assert_null(mheap_top(&F.ctx.heap));
}

static void remove_in_flight(void **state)
{
  (void)state;
  static char const *const r[] = { "a@far.example", "b@here.example", 0 };
  char const *z[] = { "Z4.4.1 - connection refused", 0 };
  char const *k[] = { "K2.0.0 - delivered", 0 };
  fix_new(9002, "s@here.example", r);
  assert_int_equal(fix_drain(CHAN_REMOTE, req, sizeof req, 0), 1);
  assert_int_equal(fix_drain(CHAN_LOCAL, req, sizeof req, 0), 1);
  /* asked while both deliveries are in flight: in memory and on disk */
  request(9002, CMDREC_REMOVE, FIX_NOW);
  run_requests();
  assert_int_equal(fix_read_info(9002).x, 1);
  assert_int_equal(F.ctx.nactive, 1);
  assert_int_equal(F.ctx.active->inf.x, 1);
  /* the first result: recorded, the message waits for the other */
  fix_settle(CHAN_LOCAL, 0, k);
  assert_true(fix_exists("info", 9002));
  /* the second: nothing is in flight, it goes, nothing is retried */
  fix_settle(CHAN_REMOTE, 0, z);
  assert_false(fix_exists("info", 9002));
  assert_int_equal(F.ctx.nactive, 0);
  assert_null(mheap_top(&F.ctx.heap));
  assert_int_equal(fix_drain(CHAN_REMOTE, req, sizeof req, 0), 0);
}

static void waits_for_preprocessing(void **state)
{
  (void)state;
  static char const *const r[] = { "a@here.example", 0 };
  msg *m;
  fix_todo(9003, "", r);
  request(9003, CMDREC_HOLD, FIX_NOW);
  run_requests();
  /* not preprocessed yet: the request stays */
  assert_true(pending(9003));
  assert_false(fix_exists("info", 9003));
  preproc_new(&F.ctx, 9003);
  /* applied before its first evaluation: no delivery at all */
  assert_int_equal(fix_drain(CHAN_LOCAL, req, sizeof req, 0), 0);
  assert_false(pending(9003));
  assert_int_equal(fix_read_info(9003).h, 1);
  assert_int_equal(message_load(&F.ctx, 9003, &m), 0);
  assert_int_equal(m->inf.h, 1);
  message_free(m);
}

static void stale_and_strange_requests_dropped(void **state)
{
  (void)state;
  deferred(9004, "x@far.example");
  /* older than the message that has the id now: not for this one */
  request(9004, CMDREC_REMOVE, FIX_NOW - 3600);
  /* no such message */
  request(777, CMDREC_REMOVE, FIX_NOW);
  /* only a flush may name every message */
  request(CMDREC_ALL, CMDREC_HOLD, FIX_NOW);
  /* not a request */
  fix_file("queue/cmd/778", "garbage");
  /* a tool's temporary file: not looked at */
  fix_file("queue/cmd/tmp.1.9004", "half");
  run_requests();
  assert_int_equal(fix_read_info(9004).x, 0);
  assert_false(pending(9004));
  assert_false(pending(777));
  assert_false(pending(CMDREC_ALL));
  assert_false(pending(778));
  assert_int_equal(access("queue/cmd/tmp.1.9004", F_OK), 0);
  assert_true(fix_logged("request for msg 9004: older than the message, dropped"));
  assert_true(fix_logged("request for msg 777: no such message in the queue, dropped"));
  assert_true(fix_logged("request for msg 778: unreadable request, dropped"));
}

static void removal_is_final(void **state)
{
  (void)state;
  deferred(9005, "x@far.example");
  F.ctx.ch[CHAN_REMOTE].g.limit = 0;   /* nothing may start: it stays */
  request(9005, CMDREC_REMOVE, FIX_NOW);
  run_requests();
  request(9005, CMDREC_RELEASE, FIX_NOW);
  run_requests();
  assert_int_equal(fix_read_info(9005).x, 1);
  assert_true(fix_logged("request for msg 9005: the message is being removed: no release"));
}

static void flush_everything(void **state)
{
  (void)state;
  deferred(9006, "x@far.example");
  assert_int_equal(mheap_top(&F.ctx.heap)->due, FIX_NOW + 10);
  request(CMDREC_ALL, CMDREC_FLUSH, FIX_NOW);
  run_requests();
  assert_false(pending(CMDREC_ALL));
  assert_int_equal(mheap_top(&F.ctx.heap)->due, FIX_NOW);
  assert_true(mheap_top(&F.ctx.heap)->flags & MHEAP_FORCED);
  schedq_step(&F.ctx);
  assert_int_equal(fix_drain(CHAN_REMOTE, req, sizeof req, 0), 1);
  assert_true(fix_logged("posta-qflush: trying everything now"));
}

static void flush_one(void **state)
{
  (void)state;
  deferred(9007, "x@far.example");
  deferred(9030, "y@other.example");
  request(9030, CMDREC_FLUSH, FIX_NOW);
  run_requests();
  assert_true(fix_logged("flush msg 9030 uid 0\n"));
  schedq_step(&F.ctx);
  /* only the one asked for */
  assert_int_equal(fix_drain(CHAN_REMOTE, req, sizeof req, 0), 1);
  assert_string_equal(fix_field(req, sizeof req, 1), "9030");
}

UNIT_MAIN(0, 0,
    cmocka_unit_test_setup_teardown(hold_then_release, setup, teardown),
    cmocka_unit_test_setup_teardown(remove_parked, setup, teardown),
    cmocka_unit_test_setup_teardown(remove_in_flight, setup, teardown),
    cmocka_unit_test_setup_teardown(waits_for_preprocessing, setup, teardown),
    cmocka_unit_test_setup_teardown(stale_and_strange_requests_dropped, setup, teardown),
    cmocka_unit_test_setup_teardown(removal_is_final, setup, teardown),
    cmocka_unit_test_setup_teardown(flush_everything, setup, teardown),
    cmocka_unit_test_setup_teardown(flush_one, setup, teardown),
)
