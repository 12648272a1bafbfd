/* Unit tests for src/posta-send/message.c (with bounce.c and results.c):
 * the writes a message's results cost, their order, and how a message
 * leaves the queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "sendfix.h"
#include "posta-send/sendloop.h"
#include "posta-send/bouncerun.h"
#include "posta-send/bouncerec.h"
#include "unit.h"

static int setup(void **state) { return fix_setup(10, 10, 10); }
static int teardown(void **state) { return fix_teardown(); }

static char req[SPAWN_PACKET_MAX];

static void answer_all(int c, char const *line)
{
  char const *res[101];
  ssize_t len;
  while ((len = fix_request(c, req, sizeof req)) > 0) {
    unsigned n = fix_nfields(req, (size_t)len) - 3;
    for (unsigned i = 0; i < n; i++) res[i] = line;
    res[n] = 0;
    fix_respond(c, (unsigned)atoi(req), res);
  }
  assert_int_equal(results_read(&F.ctx, c), 0);
}

static void results_together_are_one_write(void **state)
{
  static char const *const r[] = {
    "a@here.example", "b@here.example", "c@here.example", "defer@here.example",
    "x@far.example", "y@far.example", 0,
  };
  fix_new(8000, "s@here.example", r);
  /* four local deliveries and one remote, answered in the same turn */
  answer_all(CHAN_REMOTE, "Z4.2.2 mx[192.0.2.1] 452 full");
  answer_all(CHAN_LOCAL, "K2.0.0 - delivered");
  F.replaces = F.nwrites = F.syncs = 0;
  message_flush_all(&F.ctx);
  /* one write per record, however many results came in */
  assert_int_equal(F.replaces, 2);
  fix_writes_start("w queue/local/19/8000", "w queue/remote/19/8000");
  assert_int_equal(F.syncs, 2);
  rcptlist l = RCPTLIST_ZERO;
  fix_read_rcpts("local", 8000, &l);
  assert_int_equal(l.v[0].state, RCPT_DONE);
  assert_int_equal(l.v[3].state, RCPT_DONE);
  assert_int_equal(l.v[3].n, 1);
  rcptrec_free(&l);
  fix_read_rcpts("remote", 8000, &l);
  assert_int_equal(l.v[0].state, RCPT_PENDING);
  assert_int_equal(l.v[0].w, FIX_NOW + 10);
  assert_string_equal(l.v[1].e, "Z4.2.2 mx[192.0.2.1] 452 full");
  rcptrec_free(&l);
}

static void finished_message_leaves_in_order(void **state)
{
  static char const *const r[] = { "a@here.example", "b@here.example", 0 };
  fix_new(8001, "", r);
  answer_all(CHAN_LOCAL, "K2.0.0 - delivered");
  F.replaces = F.unlinks = F.nwrites = 0;
  message_flush_all(&F.ctx);
  /* the last D is not written: removing info says it all, and posta-send
   * syncs nothing: posta-clean's batch makes the removal durable before
   * mess goes (a crash before that retries the deliveries) */
  assert_int_equal(F.replaces, 0);
  assert_int_equal(F.unlinks, 1);
  assert_int_equal(F.nwrites, 1);
  fix_writes_start("u queue/info/20/8001");
  assert_false(fix_exists("info", 8001));
  /* posta-clean removes todo, then mess; the local record stays until it
   * did, to tell recovery what the mess file is if posta-send dies now */
  assert_string_equal(fix_clean_asked(), "todo 8001\nmess 8001\n");
  assert_true(fix_exists("local", 8001));
  assert_int_equal(F.ctx.nactive, 0);
  /* known until mess is gone: a scan meanwhile must not take its todo
   * (still there) for a new message */
  assert_true(idset_has(&F.ctx.known, 8001));
  fix_clean_answer("+8001\n+8001\n");
  assert_false(fix_exists("local", 8001));
  assert_false(idset_has(&F.ctx.known, 8001));
}

static pid_t reap_bounce(void)
{
  int wstat;
  pid_t pid = waitpid(-1, &wstat, 0);
  assert_true(pid > 0);
  assert_int_equal(bouncerun_reaped(&F.ctx, pid, wstat), 1);
  return pid;
}

static void failure_recorded_before_b(void **state)
{
  static char const *const r[] = { "fail@far.example", "ok@far.example", 0 };
  char const *res[] = { "D5.1.1 mx[192.0.2.1] 550 no such user", "K2.0.0 mx[192.0.2.1] 250 ok", 0 };
  ssize_t len;
  /* a posta-bounce that exits 111 the first time, 0 the second */
  fix_file("bin/posta-bounce", "#!/bin/sh\n[ -f tried ] && exit 0\n: > tried\nexit 111\n");
  chmod("bin/posta-bounce", 0755);
  fix_new(8002, "sender@here.example", r);
  len = fix_request(CHAN_REMOTE, req, sizeof req);
  assert_true(len > 0);
  fix_respond(CHAN_REMOTE, 0, res);
  assert_int_equal(results_read(&F.ctx, CHAN_REMOTE), 0);
  F.replaces = F.nwrites = 0;
  message_flush_all(&F.ctx);
  /* the bounce record durable first, then the recipients marked B */
  fix_writes_start("w queue/bounce/21/8002", "s queue/bounce/21", "w queue/remote/21/8002",
                   "s queue/remote/21");
  rcptlist l = RCPTLIST_ZERO;
  fix_read_rcpts("remote", 8002, &l);
  assert_int_equal(l.v[0].state, RCPT_BOUNCED);
  assert_int_equal(l.v[1].state, RCPT_DONE);
  rcptrec_free(&l);
  char path[QPATH_MAX], *buf;
  size_t blen;
  bouncerec b = BOUNCEREC_ZERO;
  qpath(path, "bounce", 8002);
  assert_int_equal(slurp_path(path, 0, 1 << 20, &buf, &blen), 0);
  assert_int_equal(bouncerec_parse(&b, buf, blen), 0);
  assert_string_equal(b.sender, "sender@here.example");
  assert_int_equal(b.t, FIX_NOW - 5);
  assert_int_equal(b.failed.n, 1);
  assert_string_equal(b.failed.v[0].addr, "fail@far.example");
  assert_string_equal(b.failed.v[0].e, "D5.1.1 mx[192.0.2.1] 550 no such user");
  free(buf);
  bouncerec_free(&b);
  /* posta-bounce runs at once; it fails: the record stays, tried later */
  assert_int_equal(F.ctx.bounce.inflight, 1);
  reap_bounce();
  message_flush_all(&F.ctx);
  assert_true(fix_exists("bounce", 8002));
  assert_true(fix_exists("info", 8002));
  assert_int_equal(F.ctx.nactive, 0);
  assert_int_equal(mheap_top(&F.ctx.heap)->due, FIX_NOW + 10);
  /* its time comes: posta-bounce succeeds, the message is finished */
  F.ctx.now = FIX_NOW + 10;
  schedq_step(&F.ctx);
  assert_int_equal(F.ctx.bounce.inflight, 1);
  reap_bounce();
  message_flush_all(&F.ctx);
  assert_false(fix_exists("bounce", 8002));
  assert_false(fix_exists("info", 8002));
  assert_true(fix_exists("remote", 8002));
  fix_clean_answer("+8002\n+8002\n");
  assert_false(fix_exists("remote", 8002));
  assert_int_equal(F.ctx.nactive, 0);
}

/* Many messages ending in one turn: posta-send fsyncs nothing, posta-clean
 * syncs once for the batch. (Two recipients each: a message with one goes
 * the fast way.) */
static void endings_share_fsyncs(void **state)
{
  static char const *const r[] = { "a@here.example", "b@here.example", 0 };
  for (uint64_t i = 0; i < 5; i++) fix_new(8100 + i * 23, "", r);
  answer_all(CHAN_LOCAL, "K2.0.0 - delivered");
  F.replaces = F.unlinks = F.syncs = F.nwrites = 0;
  message_flush_all(&F.ctx);
  assert_int_equal(F.unlinks, 5);
  assert_int_equal(F.syncs, 0);
  /* posta-clean is asked only after the removals */
  assert_string_equal(fix_clean_asked(), "todo 8100\ntodo 8123\ntodo 8146\ntodo 8169\ntodo 8192\n"
                      "mess 8100\nmess 8123\nmess 8146\nmess 8169\nmess 8192\n");
}

/* One local recipient and a free slot: delivered straight from todo, no
 * record written, nothing fsynced by posta-send; posta-clean removes todo
 * and mess once it is delivered. */
static void fast_message_writes_nothing(void **state)
{
  static char const *const r[] = { "a@here.example", 0 };
  F.replaces = F.unlinks = F.syncs = F.nwrites = 0;
  fix_new(8300, "s@far.example", r);
  assert_int_equal(F.ctx.ch[CHAN_LOCAL].g.inflight, 1);
  assert_false(fix_exists("info", 8300));
  assert_false(fix_exists("local", 8300));
  answer_all(CHAN_LOCAL, "K2.0.0 - delivered");
  message_flush_all(&F.ctx);
  assert_int_equal(F.nwrites, 0);
  assert_int_equal(F.syncs, 0);
  assert_string_equal(fix_clean_asked(), "mess 8300\n");
  assert_int_equal(F.ctx.nactive, 0);
  assert_true(idset_has(&F.ctx.known, 8300));
  fix_clean_answer("+8300\n");
  assert_false(idset_has(&F.ctx.known, 8300));
}

/* A fast message that must stay (a deferral) gets its records as
 * preprocessing writes them, its recipient's state included, before todo
 * goes; then it is an ordinary message, parked until its retry. */
static void fast_message_deferred_is_spilled(void **state)
{
  static char const *const r[] = { "a@here.example", 0 };
  fix_new(8301, "s@far.example", r);
  answer_all(CHAN_LOCAL, "Z4.2.2 - mailbox full");
  message_flush_all(&F.ctx);
  assert_true(fix_exists("info", 8301));
  rcptlist l = RCPTLIST_ZERO;
  fix_read_rcpts("local", 8301, &l);
  assert_int_equal(l.v[0].state, RCPT_PENDING);
  assert_int_equal(l.v[0].n, 1);
  assert_int_equal(l.v[0].w, FIX_NOW + 10);
  assert_string_equal(l.v[0].e, "Z4.2.2 - mailbox full");
  rcptrec_free(&l);
  assert_string_equal(fix_clean_asked(), "todo 8301\n");
  assert_int_equal(F.ctx.nactive, 0);
  assert_int_equal(mheap_top(&F.ctx.heap)->due, FIX_NOW + 10);
}

/* A permanent failure: records first, then the bounce record, then B. */
static void fast_message_failed_is_spilled_then_bounced(void **state)
{
  static char const *const r[] = { "nobody@here.example", 0 };
  fix_new(8302, "s@far.example", r);
  answer_all(CHAN_LOCAL, "D5.1.1 - no mailbox here by that name");
  message_flush_all(&F.ctx);
  assert_true(fix_exists("info", 8302));
  assert_true(fix_exists("bounce", 8302));
  rcptlist l = RCPTLIST_ZERO;
  fix_read_rcpts("local", 8302, &l);
  assert_int_equal(l.v[0].state, RCPT_BOUNCED);
  rcptrec_free(&l);
}

static int put_eio(char const *path, char const *tmp, char const *data, size_t len, mode_t mode)
{
  errno = EIO;
  return -1;
}

/* A fast message whose records cannot be written leaves memory; nothing
 * on disk but todo. Its id stays known (no scan takes it meanwhile) and
 * waits TODO_RESCAN in the index; its turn finds no info and forgets it;
 * then the next reading of todo/ preprocesses it anew. A failing disk
 * makes one delivery per interval, not a loop. */
static void fast_message_unspillable_is_forgotten(void **state)
{
  static char const *const r[] = { "a@here.example", 0 };
  fix_new(8305, "s@far.example", r);
  answer_all(CHAN_LOCAL, "Z4.2.2 - mailbox full");
  F.ctx.put = put_eio;
  message_flush_all(&F.ctx);
  F.ctx.put = fix_put;
  assert_int_equal(F.ctx.nactive, 0);
  assert_true(fix_exists("todo", 8305));
  assert_false(fix_exists("info", 8305));
  assert_false(fix_exists("local", 8305));
  assert_string_equal(fix_clean_asked(), "");
  assert_true(idset_has(&F.ctx.known, 8305));
  assert_int_equal(mheap_top(&F.ctx.heap)->id, 8305);
  assert_int_equal(mheap_top(&F.ctx.heap)->due, FIX_NOW + TODO_RESCAN);
  F.ctx.now = FIX_NOW + TODO_RESCAN;
  schedq_step(&F.ctx);
  assert_false(idset_has(&F.ctx.known, 8305));
  assert_int_equal(F.ctx.ch[CHAN_LOCAL].g.inflight, 0);
  /* read again: preprocessed anew, the fast way again */
  preproc_new(&F.ctx, 8305);
  assert_true(idset_has(&F.ctx.known, 8305));
  assert_int_equal(F.ctx.ch[CHAN_LOCAL].g.inflight, 1);
}

static int syncdir_eio(char const *dir)
{
  errno = EIO;
  return -1;
}

/* A finished message waits for no commit: the failed fsync of another
 * message's records in the same turn holds back neither a fast one nor
 * one whose info is removed. */
static void fast_message_ends_whatever_the_batch(void **state)
{
  static char const *const one[] = { "a@here.example", 0 };
  static char const *const two[] = { "a@here.example", "b@here.example", 0 };
  fix_new(8306, "", one);
  fix_new(8307, "", two);
  assert_string_equal(fix_clean_asked(), "todo 8307\n");
  answer_all(CHAN_LOCAL, "K2.0.0 - delivered");
  F.ctx.syncdir = syncdir_eio;
  message_flush_all(&F.ctx);
  F.ctx.syncdir = fix_syncdir;
  assert_string_equal(fix_clean_asked(), "mess 8306\nmess 8307\n");
  assert_int_equal(F.ctx.nactive, 0);
}

static int syncdir_info_eio(char const *dir)
{
  if (strstr(dir, "info")) { errno = EIO; return -1; }
  return fix_syncdir(dir);
}

/* A spill whose info record is in place, though its folder's fsync
 * failed, ends the fast way: the message then leaves only by info's
 * removal, never with an info record left behind for a later message. */
static void fast_message_with_info_is_fast_no_more(void **state)
{
  static char const *const r[] = { "a@here.example", 0 };
  fix_new(8308, "s@far.example", r);
  answer_all(CHAN_LOCAL, "Z4.2.2 - mailbox full");
  F.ctx.syncdir = syncdir_info_eio;
  message_flush_all(&F.ctx);
  F.ctx.syncdir = fix_syncdir;
  assert_true(fix_exists("info", 8308));
  assert_true(idset_has(&F.ctx.known, 8308));
  assert_int_equal(mheap_top(&F.ctx.heap)->id, 8308);
  /* its retry delivers it: info goes, then mess */
  F.ctx.now = mheap_top(&F.ctx.heap)->due;
  schedq_step(&F.ctx);
  answer_all(CHAN_LOCAL, "K2.0.0 - delivered");
  message_flush_all(&F.ctx);
  assert_false(fix_exists("info", 8308));
  assert_string_equal(fix_clean_asked(), "mess 8308\n");
}

/* The fast way takes only the free local slots: the rest of a batch is
 * written as usual. */
static void fast_only_while_a_slot_is_free(void **state)
{
  static char const *const r[] = { "a@here.example", 0 };
  F.ctx.ch[CHAN_LOCAL].g.limit = 1;
  fix_new(8303, "", r);
  fix_new(8304, "", r);
  assert_false(fix_exists("info", 8303));
  assert_true(fix_exists("info", 8304));
  assert_true(fix_exists("local", 8304));
}

static void load_refuses_damage(void **state)
{
  static char const *const r[] = { "a@here.example", 0 };
  msg *m;
  char path[QPATH_MAX];
  fix_todo(8003, "", r);
  assert_int_equal(preproc_one(&F.ctx, 8003, &m), PREPROC_NEW);
  message_free(m);
  assert_int_equal(message_load(&F.ctx, 8003, &m), 0);
  assert_int_equal(m->rc[CHAN_LOCAL].n, 1);
  assert_int_equal(m->rc[CHAN_REMOTE].n, 0);
  assert_int_equal(m->nt[NOTE_FAILURE].has, 0);
  assert_int_equal(m->nt[NOTE_DELAY].has, 0);
  message_free(m);
  /* a torn local record: the message is not believed */
  qpath(path, "local", 8003);
  truncate(path, 20);
  errno = 0;
  assert_int_equal(message_load(&F.ctx, 8003, &m), -1);
  assert_int_equal(errno, EPROTO);
  /* no info: gone */
  errno = 0;
  assert_int_equal(message_load(&F.ctx, 8099, &m), -1);
  assert_int_equal(errno, ENOENT);
}

/* A crash after the bounce record was durable and before the B of its
 * recipients: loading the message marks them B, durably, so that they are
 * neither tried nor reported again. */
static void load_reconciles_a_bounce_record(void **state)
{
  static char const *const r[] = { "a@far.example", "b@far.example", 0 };
  msg *m;
  char path[QPATH_MAX];
  fix_todo(8004, "s@here.example", r);
  assert_int_equal(preproc_one(&F.ctx, 8004, &m), PREPROC_NEW);
  message_free(m);
  bouncerec b = BOUNCEREC_ZERO;
  rec_buf out = REC_BUF_ZERO;
  b.sender = strdup("s@here.example");
  b.t = FIX_NOW - 5;
  assert_int_equal(rcptrec_add(&b.failed, "a@far.example", RCPT_BOUNCED, 0, 0, "D5.1.1 mx[192.0.2.1] 550 no"), 0);
  assert_int_equal(bouncerec_build(&out, &b), 0);
  qpath(path, "bounce", 8004);
  fix_file(path, "");
  FILE *f = fopen(path, "w");
  fwrite(out.s, 1, out.len, f);
  fclose(f);
  rec_free(&out);
  bouncerec_free(&b);
  F.nwrites = 0;
  assert_int_equal(message_load(&F.ctx, 8004, &m), 0);
  assert_int_equal(m->nt[NOTE_FAILURE].has, 1);
  assert_int_equal(m->rc[CHAN_REMOTE].v[0].state, RCPT_BOUNCED);
  assert_int_equal(m->rc[CHAN_REMOTE].v[1].state, RCPT_PENDING);
  message_free(m);
  fix_writes_start("w queue/remote/0/8004", "s queue/remote/0");
  rcptlist l = RCPTLIST_ZERO;
  fix_read_rcpts("remote", 8004, &l);
  assert_int_equal(l.v[0].state, RCPT_BOUNCED);
  assert_int_equal(l.v[1].state, RCPT_PENDING);
  rcptrec_free(&l);
  /* nothing left to reconcile: no write */
  F.nwrites = 0;
  assert_int_equal(message_load(&F.ctx, 8004, &m), 0);
  message_free(m);
  assert_int_equal(F.nwrites, 0);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test_setup_teardown(results_together_are_one_write, setup, teardown),
    cmocka_unit_test_setup_teardown(finished_message_leaves_in_order, setup, teardown),
    cmocka_unit_test_setup_teardown(failure_recorded_before_b, setup, teardown),
    cmocka_unit_test_setup_teardown(endings_share_fsyncs, setup, teardown),
    cmocka_unit_test_setup_teardown(fast_message_writes_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown(fast_message_deferred_is_spilled, setup, teardown),
    cmocka_unit_test_setup_teardown(fast_message_failed_is_spilled_then_bounced, setup, teardown),
    cmocka_unit_test_setup_teardown(fast_only_while_a_slot_is_free, setup, teardown),
    cmocka_unit_test_setup_teardown(fast_message_unspillable_is_forgotten, setup, teardown),
    cmocka_unit_test_setup_teardown(fast_message_ends_whatever_the_batch, setup, teardown),
    cmocka_unit_test_setup_teardown(fast_message_with_info_is_fast_no_more, setup, teardown),
    cmocka_unit_test_setup_teardown(load_refuses_damage, setup, teardown),
    cmocka_unit_test_setup_teardown(load_reconciles_a_bounce_record, setup, teardown),
)
