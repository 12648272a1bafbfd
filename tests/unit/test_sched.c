/* Unit tests for src/posta-send/sched.c (with dispatch.c and schedq.c):
 * which deliveries start, how remote recipients are grouped, and where a
 * message waits when a channel or a destination is full or closed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sendfix.h"
#include "unit.h"

static int setup2(void **state) { return fix_setup(2, 3, 2); }
static int setup4(void **state)
{
  int r = fix_setup(4, 3, 2);
  F.ctx.set.concmailbox = 2;
  return r;
}
static int teardown(void **state) { return fix_teardown(); }

static char req[SPAWN_PACKET_MAX];

static void local_one_per_delivery_and_channel_limit(void **state)
{
  static char const *const rcpts[] = {
    "a@here.example", "b@here.example", "c@here.example", "d@here.example", 0,
  };
  static char const *const ok[] = { "K2.0.0 - delivered", 0 };
  ssize_t len;
  fix_new(5000, "s@here.example", rcpts);
  /* local concurrency 2: two deliveries, one recipient each */
  assert_int_equal(F.ctx.ch[CHAN_LOCAL].g.inflight, 2);
  len = fix_request(CHAN_LOCAL, req, sizeof req);
  assert_true(len > 0);
  assert_int_equal(fix_nfields(req, (size_t)len), 4);
  assert_string_equal(fix_field(req, (size_t)len, 1), "5000");
  assert_string_equal(fix_field(req, (size_t)len, 2), "s@here.example");
  assert_string_equal(fix_field(req, (size_t)len, 3), "a@here.example");
  assert_int_equal(fix_drain(CHAN_LOCAL, req, sizeof req, 0), 1);
  /* the message stays in memory while its deliveries are in flight */
  assert_int_equal(F.ctx.nactive, 1);
  /* both answer: one write of the local record, then the other two go */
  fix_respond(CHAN_LOCAL, 0, ok);
  fix_respond(CHAN_LOCAL, 1, ok);
  assert_int_equal(results_read(&F.ctx, CHAN_LOCAL), 0);
  F.replaces = 0;
  message_flush_all(&F.ctx);
  assert_int_equal(F.replaces, 1);
  assert_int_equal(fix_drain(CHAN_LOCAL, req, sizeof req, 0), 2);
  fix_respond(CHAN_LOCAL, 0, ok);
  fix_settle(CHAN_LOCAL, 1, ok);
  assert_int_equal(F.ctx.nactive, 0);
  assert_false(fix_exists("info", 5000));
  fix_clean_answer("+5000\n+5000\n");
  assert_false(fix_exists("local", 5000));
}

/* control/concurrencymailbox 2 of 4 local slots: one mailbox (every
 * extension of a user) never holds more, and another mailbox's mail goes
 * at once while it is full. */
static void one_mailbox_holds_at_most_its_share(void **state)
{
  static char const *const r1[] = {
    "a@here.example", "A-x@here.example", "a-y@here.example", "a-z@here.example", "b@here.example", 0,
  };
  static char const *const r2[] = { "c@here.example", 0 };
  static char const *const ok[] = { "K2.0.0 - delivered", 0 };
  char const *want[] = { "a@here.example", "A-x@here.example", "b@here.example" };
  ssize_t len;
  fix_new(5100, "", r1);
  for (unsigned i = 0; i < 3; i++) {
    len = fix_request(CHAN_LOCAL, req, sizeof req);
    assert_true(len > 0);
    assert_string_equal(fix_field(req, (size_t)len, 3), want[i]);
  }
  assert_int_equal(fix_drain(CHAN_LOCAL, req, sizeof req, 0), 0);
  dest *box = dest_find(&F.ctx.boxes, "a@here.example", 14);
  assert_non_null(box);
  assert_int_equal(box->inflight, 2);
  assert_int_equal(F.ctx.ch[CHAN_LOCAL].g.inflight, 3);
  /* the last free slot goes to another mailbox at once */
  fix_new(5101, "", r2);
  len = fix_request(CHAN_LOCAL, req, sizeof req);
  assert_true(len > 0);
  assert_string_equal(fix_field(req, (size_t)len, 3), "c@here.example");
  /* the first message's deliveries end: its other two of a's start */
  for (unsigned slot = 0; slot < 3; slot++) fix_respond(CHAN_LOCAL, slot, ok);
  assert_int_equal(results_read(&F.ctx, CHAN_LOCAL), 0);
  assert_int_equal(box->inflight, 0);
  message_flush_all(&F.ctx);
  len = fix_request(CHAN_LOCAL, req, sizeof req);
  assert_true(len > 0);
  assert_string_equal(fix_field(req, (size_t)len, 3), "a-y@here.example");
  len = fix_request(CHAN_LOCAL, req, sizeof req);
  assert_true(len > 0);
  assert_string_equal(fix_field(req, (size_t)len, 3), "a-z@here.example");
  assert_int_equal(box->inflight, 2);
  /* a new message for a waits on the mailbox, and goes when it frees */
  static char const *const r3[] = { "a-w@here.example", 0 };
  fix_new(5102, "", r3);
  assert_int_equal(fix_drain(CHAN_LOCAL, req, sizeof req, 0), 0);
  assert_int_equal(box->waiters.n, 1);
  fix_settle(CHAN_LOCAL, 0, ok);
  schedq_step(&F.ctx);
  len = fix_request(CHAN_LOCAL, req, sizeof req);
  assert_true(len > 0);
  assert_string_equal(fix_field(req, (size_t)len, 3), "a-w@here.example");
}

static void remote_grouped_by_domain(void **state)
{
  char const *rcpts[160];
  char names[150][32];
  ssize_t len;
  unsigned n = 0;
  for (int i = 0; i < 150; i++) {
    snprintf(names[i], sizeof names[i], "u%d@big.example", i);
    rcpts[n++] = names[i];
  }
  rcpts[n++] = "x@one.example";
  rcpts[n++] = "y@Big.Example";
  rcpts[n++] = "z@one.example";
  rcpts[n] = 0;
  fix_new(5001, "", rcpts);
  /* remote concurrency 3, per destination 2: big.example gets 100 + 51,
   * one.example its two recipients in one request */
  unsigned seen = 0, sizes[3] = { 0 };
  while ((len = fix_request(CHAN_REMOTE, req, sizeof req)) > 0) {
    unsigned k = fix_nfields(req, (size_t)len) - 3;
    char const *first = fix_field(req, (size_t)len, 3);
    for (unsigned i = 0; i < k; i++) {
      char const *a = fix_field(req, (size_t)len, 3 + i);
      assert_string_equal(strchr(a, '@'), strchr(first, '@'));
    }
    sizes[seen++] = k;
  }
  assert_int_equal(seen, 3);
  unsigned total = sizes[0] + sizes[1] + sizes[2];
  assert_int_equal(total, 153);
  assert_true(sizes[0] == 100 || sizes[1] == 100 || sizes[2] == 100);
  assert_true(sizes[0] == 2 || sizes[1] == 2 || sizes[2] == 2);
  dest *d = dest_find(&F.ctx.dests, "big.example", 11);
  assert_non_null(d);
  assert_int_equal(d->inflight, 2);
}

static void second_message_waits_for_destination(void **state)
{
  static char const *const r1[] = { "a@busy.example", 0 };
  static char const *const r2[] = { "b@busy.example", 0 };
  static char const *const r3[] = { "c@busy.example", 0 };
  static char const *const ok[] = { "K2.0.0 mx[192.0.2.1] 250 ok", 0 };
  ssize_t len;
  fix_new(5002, "", r1);
  fix_new(5003, "", r2);
  fix_new(5004, "", r3);
  /* two per destination: the third message is parked on its waiting list */
  assert_int_equal(fix_drain(CHAN_REMOTE, req, sizeof req, 0), 2);
  dest *d = dest_find(&F.ctx.dests, "busy.example", 12);
  assert_int_equal(d->waiters.n, 1);
  assert_int_equal(F.ctx.nactive, 2);
  /* one ends: the waiter is woken and starts */
  fix_settle(CHAN_REMOTE, 0, ok);
  assert_int_equal(F.ctx.ready.n, 1);
  schedq_step(&F.ctx);
  len = fix_request(CHAN_REMOTE, req, sizeof req);
  assert_true(len > 0);
  assert_string_equal(fix_field(req, (size_t)len, 3), "c@busy.example");
}

static void dead_destination_costs_one_attempt(void **state)
{
  static char const *const down[] = { "Z4.4.1 - connection refused", 0 };
  char names[20][32];
  char const *one[2] = { 0, 0 };
  /* twenty messages to a destination that does not answer */
  for (int i = 0; i < 20; i++) {
    snprintf(names[i], sizeof names[i], "u%d@dead.example", i);
    one[0] = names[i];
    fix_new(6000 + (uint64_t)i, "", one);
  }
  /* at most the destination's concurrency tried */
  assert_int_equal(fix_drain(CHAN_REMOTE, req, sizeof req, 0), 2);
  dest *d = dest_find(&F.ctx.dests, "dead.example", 12);
  assert_int_equal(d->waiters.n, 18);
  fix_respond(CHAN_REMOTE, 0, down);
  fix_settle(CHAN_REMOTE, 1, down);
  /* closed for the first step of the schedule; nobody else tried */
  assert_int_equal(d->fails, 1);
  assert_int_equal(d->next_try, FIX_NOW + 10);
  assert_int_equal(d->waiters.n, 0);
  assert_int_equal(F.ctx.heap.n, 20);
  assert_int_equal(mheap_top(&F.ctx.heap)->due, FIX_NOW + 10);
  schedq_step(&F.ctx);
  assert_int_equal(fix_drain(CHAN_REMOTE, req, sizeof req, 0), 0);
  /* the attempt recorded for the two that were tried */
  rcptlist l = RCPTLIST_ZERO;
  fix_read_rcpts("remote", 6000, &l);
  assert_int_equal(l.v[0].n, 1);
  assert_int_equal(l.v[0].w, FIX_NOW + 10);
  assert_string_equal(l.v[0].e, "Z4.4.1 - connection refused");
  rcptrec_free(&l);
  /* reopened: one probe, the others wait for it */
  F.ctx.now = FIX_NOW + 10;
  schedq_step(&F.ctx);
  assert_int_equal(fix_drain(CHAN_REMOTE, req, sizeof req, 0), 1);
  fix_settle(CHAN_REMOTE, 0, down);
  assert_int_equal(d->fails, 2);
  assert_int_equal(d->next_try, FIX_NOW + 110);
  schedq_step(&F.ctx);
  assert_int_equal(fix_drain(CHAN_REMOTE, req, sizeof req, 0), 0);
  /* SIGALRM: everything now, still one probe at a time */
  schedq_force_all(&F.ctx);
  schedq_step(&F.ctx);
  assert_int_equal(fix_drain(CHAN_REMOTE, req, sizeof req, 0), 1);
}

static void deferred_recipient_waits_its_turn(void **state)
{
  static char const *const r[] = { "defer@here.example", 0 };
  static char const *const z[] = { "Z4.2.0 - try later", 0 };
  fix_new(7000, "", r);
  assert_int_equal(fix_drain(CHAN_LOCAL, req, sizeof req, 0), 1);
  fix_settle(CHAN_LOCAL, 0, z);
  assert_int_equal(F.ctx.nactive, 0);
  assert_int_equal(mheap_top(&F.ctx.heap)->due, FIX_NOW + 10);
  /* not before its time */
  F.ctx.now = FIX_NOW + 9;
  schedq_step(&F.ctx);
  assert_int_equal(fix_drain(CHAN_LOCAL, req, sizeof req, 0), 0);
  F.ctx.now = FIX_NOW + 10;
  schedq_step(&F.ctx);
  assert_int_equal(fix_drain(CHAN_LOCAL, req, sizeof req, 0), 1);
  fix_settle(CHAN_LOCAL, 0, z);
  /* the second failure waits the second step */
  assert_int_equal(mheap_top(&F.ctx.heap)->due, FIX_NOW + 110);
}

static void held_message_not_delivered(void **state)
{
  static char const *const r[] = { "a@here.example", 0 };
  msg *m;
  fix_todo(7100, "", r);
  assert_int_equal(preproc_one(&F.ctx, 7100, &m), PREPROC_NEW);
  m->inf.h = 1;
  wbatch w = WBATCH_ZERO;
  assert_int_equal(message_put_info(&F.ctx, &w, m), 0);
  assert_int_equal(wbatch_commit(&F.ctx, &w), 0);
  message_free(m);
  idset_add(&F.ctx.known, 7100);
  assert_int_equal(idq_push(&F.ctx.ready, 7100), 0);
  schedq_step(&F.ctx);
  assert_int_equal(fix_drain(CHAN_LOCAL, req, sizeof req, 0), 0);
  assert_int_equal(mheap_top(&F.ctx.heap)->due, FIX_NOW + HELD_RECHECK);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test_setup_teardown(local_one_per_delivery_and_channel_limit, setup2, teardown),
    cmocka_unit_test_setup_teardown(one_mailbox_holds_at_most_its_share, setup4, teardown),
    cmocka_unit_test_setup_teardown(remote_grouped_by_domain, setup2, teardown),
    cmocka_unit_test_setup_teardown(second_message_waits_for_destination, setup2, teardown),
    cmocka_unit_test_setup_teardown(dead_destination_costs_one_attempt, setup2, teardown),
    cmocka_unit_test_setup_teardown(deferred_recipient_waits_its_turn, setup2, teardown),
    cmocka_unit_test_setup_teardown(held_message_not_delivered, setup2, teardown),
)
