/* Unit tests for src/posta-send/results.c: what each result does to a
 * recipient, queuelifetime, and responses that do not fit their request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "sendfix.h"
#include "unit.h"

static int setup(void **state) { return fix_setup(10, 10, 10); }
static int teardown(void **state) { return fix_teardown(); }

static char req[SPAWN_PACKET_MAX];

static void expired_line(void **state)
{
  char out[256];
  assert_int_equal(results_expired(out, sizeof out, "Z4.4.1 - connection refused"), 0);
  /* the record keeps the last temporary status and text: no suffix that
   * would end up in the notice's Diagnostic-Code */
  assert_string_equal(out, "D4.4.1 - connection refused");
  assert_int_equal(results_expired(out, 20, "Z4.4.1 - connection refused"), -1);
  /* a full mailbox to the end: 5.2.2 in the notice */
  assert_int_equal(results_expired(out, sizeof out, "Z4.2.2 - mailbox full"), 0);
  assert_string_equal(out, "D5.2.2 - mailbox full");
}

static void lifetime_turns_deferral_into_failure(void **state)
{
  static char const *const r[] = { "a@far.example", "b@far.example", 0 };
  static char const *const res[] = { "Z4.4.1 - refused", "K2.0.0 mx[192.0.2.1] 250 ok", 0 };
  fix_file("bin/posta-bounce", "#!/bin/sh\nexit 111\n");
  chmod("bin/posta-bounce", 0755);
  F.ctx.set.lifetime = 3;    /* the message arrived 5 seconds ago */
  fix_new(9000, "", r);
  fix_answer(CHAN_REMOTE, res);
  rcptlist l = RCPTLIST_ZERO;
  fix_read_rcpts("remote", 9000, &l);
  assert_int_equal(l.v[0].state, RCPT_BOUNCED);
  assert_string_equal(l.v[0].e, "D4.4.1 - refused");
  assert_int_equal(l.v[1].state, RCPT_DONE);
  rcptrec_free(&l);
  assert_true(fix_exists("bounce", 9000));
  int wstat;
  assert_true(waitpid(-1, &wstat, 0) > 0);
}

/* The retries never go past the message's lifetime: the last attempt
 * comes when it ends, and what is still temporary then fails, with the
 * last temporary result, and a log line that says it gave up. */
static void last_attempt_at_lifetime(void **state)
{
  static char const *const r[] = { "a@far.example", 0 };
  static char const *const z[] = { "Z4.4.1 mx[192.0.2.1] 421 busy", 0 };
  fix_file("bin/posta-bounce", "#!/bin/sh\nexit 111\n");
  chmod("bin/posta-bounce", 0755);
  F.ctx.set.lifetime = 20;   /* it arrived at FIX_NOW - 5: ends at FIX_NOW + 15 */
  fix_new(9004, "s@here.example", r);
  rcptlist l = RCPTLIST_ZERO;
  uint64_t want[] = { FIX_NOW + 10, FIX_NOW + 15 };
  for (int i = 0; i < 2; i++) {
    fix_answer(CHAN_REMOTE, z);
    fix_read_rcpts("remote", 9004, &l);
    assert_int_equal(l.v[0].state, RCPT_PENDING);
    /* the second retry would be 100 seconds later: the lifetime ends first */
    assert_int_equal(l.v[0].w, want[i]);
    F.ctx.now = l.v[0].w;
    rcptrec_free(&l);
    dest_reopen_all(&F.ctx.dests);   /* the 421 closed it: this is about the recipient */
    schedq_step(&F.ctx);
  }
  fix_answer(CHAN_REMOTE, z);
  fix_read_rcpts("remote", 9004, &l);
  assert_int_equal(l.v[0].state, RCPT_BOUNCED);
  assert_string_equal(l.v[0].e, "D4.4.1 mx[192.0.2.1] 421 busy");
  rcptrec_free(&l);
  assert_true(fix_logged(": failure: <a@far.example> 4.4.1 mx[192.0.2.1] 421 busy (giving up: the message is"
                         " older than control/queuelifetime)\n"));
  int wstat;
  assert_true(waitpid(-1, &wstat, 0) > 0);
}

static void missing_results_are_deferrals(void **state)
{
  static char const *const r[] = { "a@far.example", "b@far.example", "c@far.example", 0 };
  static char const *const res[] = { "K2.0.0 mx[192.0.2.1] 250 ok", 0 };
  fix_new(9001, "", r);
  fix_answer(CHAN_REMOTE, res);
  rcptlist l = RCPTLIST_ZERO;
  fix_read_rcpts("remote", 9001, &l);
  assert_int_equal(l.v[0].state, RCPT_DONE);
  assert_int_equal(l.v[1].state, RCPT_PENDING);
  assert_int_equal(l.v[2].state, RCPT_PENDING);
  assert_string_equal(l.v[2].e, "Z4.3.0 - the spawner gave no result for this recipient");
  assert_int_equal(l.v[2].w, FIX_NOW + 10);
  rcptrec_free(&l);
}

static void stray_response_ignored(void **state)
{
  static char const *const r[] = { "a@here.example", 0 };
  static char const *const ok[] = { "K2.0.0 - ok", 0 };
  fix_new(9002, "", r);
  assert_true(fix_request(CHAN_LOCAL, req, sizeof req) > 0);
  /* a slot with no delivery, and garbage: nothing changes */
  fix_respond(CHAN_LOCAL, 7, ok);
  assert_int_equal(send(F.peer[CHAN_LOCAL], "junk", 4, 0), 4);
  assert_int_equal(results_read(&F.ctx, CHAN_LOCAL), 0);
  assert_int_equal(F.ctx.ch[CHAN_LOCAL].g.inflight, 1);
  message_flush_all(&F.ctx);
  assert_int_equal(F.ctx.nactive, 1);
  assert_string_equal(fix_clean_asked(), "");
  /* the real answer still counts: delivered (straight from todo), gone */
  fix_settle(CHAN_LOCAL, 0, ok);
  assert_int_equal(F.ctx.nactive, 0);
  assert_string_equal(fix_clean_asked(), "mess 9002\n");
}

static void spawner_gone(void **state)
{
  static char const *const r[] = { "a@here.example", "b@here.example", 0 };
  fix_new(9003, "", r);
  assert_int_equal(F.ctx.ch[CHAN_LOCAL].g.inflight, 2);
  close(F.peer[CHAN_LOCAL]);
  F.peer[CHAN_LOCAL] = -1;
  assert_int_equal(results_read(&F.ctx, CHAN_LOCAL), -1);
  results_abandon(&F.ctx, CHAN_LOCAL);
  assert_int_equal(F.ctx.ch[CHAN_LOCAL].g.inflight, 0);
  F.ctx.stopping = 1;
  message_flush_all(&F.ctx);
  /* nothing recorded as done: both are tried again after the restart */
  rcptlist l = RCPTLIST_ZERO;
  fix_read_rcpts("local", 9003, &l);
  assert_int_equal(l.v[0].state, RCPT_PENDING);
  assert_int_equal(l.v[0].n, 0);
  assert_int_equal(l.v[1].state, RCPT_PENDING);
  rcptrec_free(&l);
  assert_int_equal(F.ctx.nactive, 0);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(expired_line),
    cmocka_unit_test_setup_teardown(lifetime_turns_deferral_into_failure, setup, teardown),
    cmocka_unit_test_setup_teardown(last_attempt_at_lifetime, setup, teardown),
    cmocka_unit_test_setup_teardown(missing_results_are_deferrals, setup, teardown),
    cmocka_unit_test_setup_teardown(stray_response_ignored, setup, teardown),
    cmocka_unit_test_setup_teardown(spawner_gone, setup, teardown),
)
