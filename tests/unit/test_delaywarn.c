/* Unit tests for src/posta-send/delaywarn.c (with sched.c and bouncerun.c):
 * the delay record and info's d, durably and in that order, then
 * posta-bounce -d; one notice per message; none for the null sender, none
 * when control/delaywarning is 0; a crash between the record and d; a
 * message is not finished while its delay record exists; posta-bounce's
 * exit 100 sets the record aside. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "sendfix.h"
#include "posta-send/bouncerec.h"
#include "posta-send/bouncerun.h"
#include "posta-send/delaywarn.h"
#include "posta-send/inforec.h"
#include "unit.h"

static char req[SPAWN_PACKET_MAX];

/* posta-bounce: appends its arguments to bounce.args, exits with the
 * number in bounce.exit (0 without it), and, on 0, removes the record as
 * the real one does */
static char const fake_bounce[] =
  "#!/bin/sh\n"
  "echo \"$*\" >> bounce.args\n"
  "rc=0; [ -f bounce.exit ] && rc=$(cat bounce.exit)\n"
  "[ $rc = 0 ] || exit $rc\n"
  "id=${2:-$1}; n=$((id % 23))\n"
  "if [ \"$1\" = -d ]; then rm -f queue/delay/$n/$id; else rm -f queue/bounce/$n/$id; fi\n";

static int setup(void **state)
{
  if (fix_setup(10, 10, 10) < 0) return -1;
  fix_file("bin/posta-bounce", fake_bounce);
  chmod("bin/posta-bounce", 0755);
  F.ctx.set.delaywarning = 8;    /* the messages arrive 5 seconds before FIX_NOW */
  return 0;
}

static int teardown(void **state) { return fix_teardown(); }

static char const *args(void)
{
  static char buf[1024];
  FILE *f = fopen("bounce.args", "r");
  size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
  if (f) fclose(f);
  buf[n] = 0;
  return buf;
}

static void reap(void)
{
  int wstat;
  pid_t pid = waitpid(-1, &wstat, 0);
  assert_true(pid > 0);
  assert_int_equal(bouncerun_reaped(&F.ctx, pid, wstat), 1);
  message_flush_all(&F.ctx);
}

/* A message whose remote recipients are all deferred (a 421, which closes
 * their destination: each message has its own): parked. */
static void deferred(uint64_t id, char const *sender)
{
  static char const *const z[] = { "Z4.4.1 mx[192.0.2.1] 421 busy", "Z4.4.1 mx[192.0.2.1] 421 busy", 0 };
  char a[64], b[64];
  char const *r[] = { a, b, 0 };
  snprintf(a, sizeof a, "a@far%llu.example", (unsigned long long)id);
  snprintf(b, sizeof b, "b@far%llu.example", (unsigned long long)id);
  fix_new(id, sender, r);
  fix_answer(CHAN_REMOTE, z);
  assert_int_equal(F.ctx.nactive, 0);
}

/* Answers every waiting remote request with 421s: how many there were. */
static unsigned answer_421(void)
{
  static char const *const z[] = { "Z4.4.1 mx[192.0.2.1] 421 busy", "Z4.4.1 mx[192.0.2.1] 421 busy", 0 };
  unsigned n = 0;
  while (fix_request(CHAN_REMOTE, req, sizeof req) > 0) {
    fix_respond(CHAN_REMOTE, (unsigned)atoi(req), z);
    n++;
  }
  assert_int_equal(results_read(&F.ctx, CHAN_REMOTE), 0);
  message_flush_all(&F.ctx);
  return n;
}

static void one_notice_in_order(void **state)
{
  deferred(7000, "s@here.example");
  /* the index wakes it when the notice is due, before its next attempt */
  assert_int_equal(mheap_top(&F.ctx.heap)->due, FIX_NOW + 3);
  F.ctx.now = FIX_NOW + 3;
  F.nwrites = 0;
  schedq_step(&F.ctx);
  /* the record durable first, then d, then posta-bounce -d */
  assert_true(F.nwrites >= 4);
  fix_writes_start("w queue/delay/8/7000", "s queue/delay/8", "w queue/info/8/7000", "s queue/info/8");
  assert_int_equal(fix_read_info(7000).d, FIX_NOW + 3);
  char path[QPATH_MAX], *buf;
  size_t len;
  rec r;
  char const *f;
  qpath(path, "delay", 7000);
  assert_int_equal(slurp_path(path, 0, 1 << 20, &buf, &len), 0);
  assert_int_equal(rec_parse(&r, buf, len, "delay", 1), 0);
  static char const *const want[] = {
    "Fs@here.example", "t1699999995", "kd",
    "Aa@far7000.example", "eZ4.4.1 mx[192.0.2.1] 421 busy",
    "Ab@far7000.example", "eZ4.4.1 mx[192.0.2.1] 421 busy", 0,
  };
  for (unsigned i = 0; want[i]; i++) {
    f = rec_next(&r, 0);
    assert_non_null(f);
    assert_string_equal(f, want[i]);
  }
  assert_null(rec_next(&r, 0));
  free(buf);
  assert_int_equal(F.ctx.bounce.inflight, 1);
  reap();
  assert_string_equal(args(), "-d 7000\n");
  assert_false(fix_exists("delay", 7000));
  /* later attempts, still deferred: never a second record */
  unsigned attempts = 0;
  for (uint64_t t = FIX_NOW + 10; t < FIX_NOW + 5000; t += 500) {
    F.ctx.now = t;
    schedq_step(&F.ctx);
    attempts += answer_421();
    assert_false(fix_exists("delay", 7000));
  }
  assert_true(attempts >= 3);
  assert_string_equal(args(), "-d 7000\n");
  assert_int_equal(fix_read_info(7000).d, FIX_NOW + 3);
}

static void none_for_null_sender_or_zero(void **state)
{
  deferred(7001, "");
  F.ctx.set.delaywarning = 0;
  deferred(7002, "s@here.example");
  F.ctx.now = FIX_NOW + 9;
  mheap_all_due(&F.ctx.heap, F.ctx.now, 0);
  schedq_step(&F.ctx);
  assert_false(fix_exists("delay", 7001));
  assert_false(fix_exists("delay", 7002));
  assert_int_equal(fix_read_info(7001).d, 0);
  assert_int_equal(fix_read_info(7002).d, 0);
  assert_int_equal(F.ctx.bounce.inflight, 0);
}

/* A record written, then a crash before d: at the restart the record is
 * sent as it is, d set first, and no second record is written. */
static void crash_between_record_and_d(void **state)
{
  deferred(7003, "s@here.example");
  char path[QPATH_MAX];
  qpath(path, "delay", 7003);
  fix_file(path, "not even a record: posta-bounce reads it, not posta-send\n");
  F.ctx.now = FIX_NOW + 3;
  F.nwrites = 0;
  schedq_step(&F.ctx);
  assert_string_equal(F.writes[0], "w queue/info/11/7003");
  assert_int_equal(fix_read_info(7003).d, FIX_NOW + 3);
  assert_int_equal(F.ctx.bounce.inflight, 1);
  reap();
  assert_string_equal(args(), "-d 7003\n");
  assert_false(fix_exists("delay", 7003));
}

/* Every recipient delivered while the notice cannot be sent: the message
 * stays until it is; then it leaves. */
static void not_finished_while_a_record_exists(void **state)
{
  static char const *const r[] = { "a@far.example", 0 };
  static char const *const z[] = { "Z4.4.1 mx[192.0.2.1] 421 busy", 0 };
  static char const *const k[] = { "K2.0.0 mx[192.0.2.1] 250 ok", 0 };
  fix_file("bounce.exit", "111\n");
  fix_new(7004, "s@here.example", r);
  fix_answer(CHAN_REMOTE, z);
  F.ctx.now = FIX_NOW + 3;
  schedq_step(&F.ctx);
  reap();   /* 111: tried again after the first step of the schedule */
  assert_true(fix_exists("delay", 7004));
  F.ctx.now = FIX_NOW + 10;
  schedq_step(&F.ctx);
  /* loaded again for its delivery, it runs posta-bounce first */
  assert_int_equal(F.ctx.bounce.inflight, 1);
  reap();
  assert_true(fix_exists("delay", 7004));
  fix_answer(CHAN_REMOTE, k);
  assert_true(fix_exists("info", 7004));
  unlink("bounce.exit");
  F.ctx.now = FIX_NOW + 20;
  schedq_step(&F.ctx);
  reap();
  assert_false(fix_exists("delay", 7004));
  assert_false(fix_exists("info", 7004));
  assert_string_equal(args(), "-d 7004\n-d 7004\n-d 7004\n");
}

/* posta-bounce exits 100: the record goes aside, once, under a name no
 * scan takes for a record; the message no longer waits for it. */
static void unusable_record_set_aside(void **state)
{
  char path[QPATH_MAX], bad[QPATH_MAX + 32];
  struct stat st;
  fix_file("bounce.exit", "100\n");
  deferred(7005, "s@here.example");
  qpath(path, "delay", 7005);
  snprintf(bad, sizeof bad, "%s.bad", path);
  fix_file(bad, "an older one, kept\n");
  F.ctx.now = FIX_NOW + 3;
  schedq_step(&F.ctx);
  F.nwrites = 0;
  reap();
  assert_false(fix_exists("delay", 7005));
  assert_int_equal(stat(bad, &st), 0);
  assert_int_equal(st.st_size, 19);
  snprintf(bad, sizeof bad, "%s.%llu.bad", path, (unsigned long long)(FIX_NOW + 3));
  assert_int_equal(stat(bad, &st), 0);
  assert_string_equal(F.writes[0], "s queue/delay/13");
  uint64_t id;
  assert_int_equal(qpath_id("7005.bad", &id), 0);
  /* never run again */
  F.ctx.now = FIX_NOW + 10;
  schedq_step(&F.ctx);
  fix_drain(CHAN_REMOTE, req, sizeof req, 0);
  assert_int_equal(F.ctx.bounce.inflight, 0);
  assert_string_equal(args(), "-d 7005\n");
  assert_true(fix_logged("\ndelay msg 7005 set aside: posta-bounce exited 100, the record is now "
                         "queue/delay/13/7005.1700000003.bad\n"));
}

UNIT_MAIN(0, 0,
    cmocka_unit_test_setup_teardown(one_notice_in_order, setup, teardown),
    cmocka_unit_test_setup_teardown(none_for_null_sender_or_zero, setup, teardown),
    cmocka_unit_test_setup_teardown(crash_between_record_and_d, setup, teardown),
    cmocka_unit_test_setup_teardown(not_finished_while_a_record_exists, setup, teardown),
    cmocka_unit_test_setup_teardown(unusable_record_set_aside, setup, teardown),
)
