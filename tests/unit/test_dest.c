/* Unit tests for src/posta-send/dest.c: per-destination back-off, probes,
 * concurrency and the verdict read from a delivery's results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "posta-send/dest.h"
#include "unit.h"

static retrysched sched(void)
{
  retrysched r;
  r.n = 3;
  r.delay[0] = 10;
  r.delay[1] = 100;
  r.delay[2] = 1000;
  return r;
}

static void domain_of(void **state)
{
  size_t n;
  assert_string_equal(dest_domain("a@b.example", &n), "b.example");
  assert_int_equal(n, 9);
  assert_string_equal(dest_domain("a@b@c.example", &n), "c.example");
  assert_string_equal(dest_domain("postmaster", &n), "");
  /* a local mailbox: the user without the extension, and the domain */
  char key[DEST_NAME_MAX + 1], big[400];
  assert_int_equal(dest_mailbox("alice-list-x@Here.example", key, sizeof key), 18);
  assert_string_equal(key, "alice@Here.example");
  assert_int_equal(dest_mailbox("bob@here.example", key, sizeof key), 16);
  assert_string_equal(key, "bob@here.example");
  dest_mailbox("-x@here.example", key, sizeof key);
  assert_string_equal(key, "@here.example");
  dest_mailbox("a-b@c@d.example", key, sizeof key);
  assert_string_equal(key, "a@d.example");
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  big[10] = '@';
  assert_int_equal(dest_mailbox(big, key, sizeof key), DEST_NAME_MAX);
  assert_int_equal(n, 0);
}

static void table(void **state)
{
  desttab t = DESTTAB_ZERO;
  dest *a = dest_get(&t, "Example.NET", 11);
  assert_non_null(a);
  assert_string_equal(a->name, "example.net");
  /* the same destination whatever the case */
  assert_ptr_equal(dest_get(&t, "example.net", 11), a);
  assert_ptr_equal(dest_find(&t, "EXAMPLE.net", 11), a);
  assert_null(dest_find(&t, "example.org", 11));
  /* many destinations: the table grows and finds them all */
  char name[32];
  for (int i = 0; i < 5000; i++) {
    snprintf(name, sizeof name, "d%d.example", i);
    assert_non_null(dest_get(&t, name, strlen(name)));
  }
  assert_int_equal(t.n, 5001);
  for (int i = 0; i < 5000; i += 7) {
    snprintf(name, sizeof name, "D%d.EXAMPLE", i);
    dest *d = dest_find(&t, name, strlen(name));
    assert_non_null(d);
    snprintf(name, sizeof name, "d%d.example", i);
    assert_string_equal(d->name, name);
  }
  dest_free_all(&t);
}

static void backoff_and_probe(void **state)
{
  retrysched r = sched();
  desttab t = DESTTAB_ZERO;
  dest *d = dest_get(&t, "dead.example", 12);
  uint64_t now = 1000;
  /* healthy: up to the configured limit at once */
  assert_int_equal(dest_limit(d, 5), 5);
  assert_int_equal(dest_blocked(d, 5, now, 0), 0);
  d->inflight = 5;
  assert_int_equal(dest_blocked(d, 5, now, 0), 1);
  /* five deliveries in flight all fail: one failure, closed for 10 s */
  for (int i = 0; i < 5; i++) {
    dest_record(d, DEST_DOWN, now, &r);
    d->inflight--;
  }
  assert_int_equal(d->fails, 1);
  assert_int_equal(d->next_try, now + 10);
  assert_int_equal(dest_blocked(d, 5, now + 9, 0), now + 10);
  /* SIGALRM opens it anyway */
  assert_int_equal(dest_blocked(d, 5, now + 9, 1), 0);
  /* reopened: one probe at a time */
  assert_int_equal(dest_blocked(d, 5, now + 10, 0), 0);
  assert_int_equal(dest_limit(d, 5), 1);
  d->inflight = 1;
  assert_int_equal(dest_blocked(d, 5, now + 10, 0), 1);
  /* the probe fails: the next step of the schedule */
  dest_record(d, DEST_DOWN, now + 10, &r);
  d->inflight = 0;
  assert_int_equal(d->fails, 2);
  assert_int_equal(d->next_try, now + 110);
  dest_record(d, DEST_DOWN, now + 110, &r);
  dest_record(d, DEST_DOWN, now + 1110, &r);
  /* the last step repeats */
  assert_int_equal(d->fails, 4);
  assert_int_equal(d->next_try, now + 2110);
  /* a temporary failure about a recipient changes nothing */
  dest_record(d, DEST_NEUTRAL, now + 2110, &r);
  assert_int_equal(d->fails, 4);
  /* an answer: healthy again */
  dest_record(d, DEST_ALIVE, now + 2110, &r);
  assert_int_equal(d->fails, 0);
  assert_int_equal(d->next_try, 0);
  assert_int_equal(dest_limit(d, 5), 5);
  dest_free_all(&t);
}

static void verdicts(void **state)
{
  char const *down[] = { "Z4.4.1 - connection refused", "Z4.4.1 - connection refused" };
  char const *greylist[] = { "Z4.7.1 mx.example[192.0.2.1] 451 4.7.1 try later" };
  char const *mixed[] = { "Z4.4.1 - timeout", "K2.0.0 mx.example[192.0.2.1] 250 ok" };
  char const *failed[] = { "D5.1.1 mx.example[192.0.2.1] 550 no such user" };
  char const *boxfull[] = { "Z4.2.2 mx.example[192.0.2.1] 452 full", "Z4.4.2 - lost" };
  char const *badaddr[] = { "Z4.1.1 mx.example[192.0.2.1] 450 try later" };
  char const *basic[] = { "Z4.0.0 mx.example[192.0.2.1] 421 closing" };
  assert_int_equal(dest_verdict(down, 2), DEST_DOWN);
  assert_int_equal(dest_verdict(greylist, 1), DEST_DOWN);
  assert_int_equal(dest_verdict(basic, 1), DEST_DOWN);
  assert_int_equal(dest_verdict(mixed, 2), DEST_ALIVE);
  assert_int_equal(dest_verdict(failed, 1), DEST_ALIVE);
  assert_int_equal(dest_verdict(boxfull, 2), DEST_NEUTRAL);
  assert_int_equal(dest_verdict(badaddr, 1), DEST_NEUTRAL);
  assert_int_equal(dest_verdict(down, 0), DEST_NEUTRAL);
}

static void sweep(void **state)
{
  retrysched r = sched();
  desttab t = DESTTAB_ZERO;
  dest *idle = dest_get(&t, "idle.example", 12);
  dest *busy = dest_get(&t, "busy.example", 12);
  dest *dead = dest_get(&t, "dead.example", 12);
  dest *waiting = dest_get(&t, "wait.example", 12);
  busy->inflight = 1;
  dest_record(dead, DEST_DOWN, 100, &r);
  assert_int_equal(idq_push(&waiting->waiters, 42), 0);
  (void)idle;
  dest_sweep(&t, 200);
  assert_null(dest_find(&t, "idle.example", 12));
  assert_non_null(dest_find(&t, "busy.example", 12));
  assert_non_null(dest_find(&t, "dead.example", 12));
  assert_non_null(dest_find(&t, "wait.example", 12));
  assert_int_equal(t.n, 3);
  /* a failed destination is forgotten a day after it reopened */
  dest_sweep(&t, 110 + 86401);
  assert_null(dest_find(&t, "dead.example", 12));
  dest_reopen_all(&t);
  dest_free_all(&t);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(domain_of),
    cmocka_unit_test(table),
    cmocka_unit_test(backoff_and_probe),
    cmocka_unit_test(verdicts),
    cmocka_unit_test(sweep),
)
