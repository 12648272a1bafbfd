/* Unit tests for src/posta-send/preproc.c: todo records become local,
 * remote and info records, info last, with the recipients routed and each
 * kept once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sendfix.h"
#include "posta-send/preproc.h"
#include "recfix.h"
#include "unit.h"

static int setup(void **state) { return fix_setup(10, 20, 10); }
static int teardown(void **state) { return fix_teardown(); }

static void route(void **state)
{
  static char const *const rcpts[] = {
    "bob@Here.Example", "alice@remote.example", "bob@here.example", "carol@REMOTE.example",
    "alice@remote.example", "dan@other.example", 0,
  };
  rec_buf b = REC_BUF_ZERO;
  info inf = INFO_ZERO;
  rcptlist l = RCPTLIST_ZERO, r = RCPTLIST_ZERO;
  uint64_t pid = 0;
  rec_start(&b, "todo", 1);
  rec_addu(&b, 'u', 1000);
  rec_addu(&b, 'p', 77);
  rec_addu(&b, 't', 1700000000);
  rec_add(&b, 'F', "sender@here.example");
  for (char const *const *p = rcpts; *p; p++) rec_add(&b, 'T', *p);
  assert_int_equal(rec_finish(&b), 0);
  assert_int_equal(preproc_route(&F.ctx.set.doms, b.s, b.len, &inf, &pid, &l, &r), 0);
  assert_string_equal(inf.sender, "sender@here.example");
  assert_int_equal(inf.uid, 1000);
  assert_int_equal(inf.t, 1700000000);
  assert_int_equal(pid, 77);
  /* domains lower-cased, duplicates kept once, envelope order kept */
  assert_int_equal(l.n, 1);
  assert_string_equal(l.v[0].addr, "bob@here.example");
  assert_int_equal(r.n, 3);
  assert_string_equal(r.v[0].addr, "alice@remote.example");
  assert_string_equal(r.v[1].addr, "carol@remote.example");
  assert_string_equal(r.v[2].addr, "dan@other.example");
  for (size_t i = 0; i < r.n; i++) {
    assert_int_equal(r.v[i].state, RCPT_PENDING);
    assert_int_equal(r.v[i].n, 0);
    assert_int_equal(r.v[i].w, 0);
  }
  inforec_free(&inf);
  rcptrec_free(&l);
  rcptrec_free(&r);
  rec_free(&b);
}

static int route_fields(char const *const *f, size_t n)
{
  rec_buf b = REC_BUF_ZERO;
  info inf = INFO_ZERO;
  rcptlist l = RCPTLIST_ZERO, r = RCPTLIST_ZERO;
  uint64_t pid;
  recfix_build(&b, "todo", f, n);
  int x = preproc_route(&F.ctx.set.doms, b.s, b.len, &inf, &pid, &l, &r);
  inforec_free(&inf);
  rcptrec_free(&l);
  rcptrec_free(&r);
  rec_free(&b);
  return x;
}

static void malformed(void **state)
{
  char const *good[] = { "u1", "p2", "t3", "Fs@x", "Ta@b" };
  char const *no_rcpt[] = { "u1", "p2", "t3", "Fs@x" };
  char const *no_sender[] = { "u1", "p2", "t3", "Ta@b" };
  char const *two_senders[] = { "u1", "p2", "t3", "Fs@x", "Fs@y", "Ta@b" };
  char const *bad_time[] = { "u1", "p2", "tsoon", "Fs@x", "Ta@b" };
  char const *empty_rcpt[] = { "u1", "p2", "t3", "Fs@x", "T" };
  char const *unknown[] = { "u1", "p2", "t3", "Fs@x", "Ta@b", "z9" };
  assert_int_equal(route_fields(good, 5), 0);
  assert_int_equal(route_fields(no_rcpt, 4), -1);
  assert_int_equal(route_fields(no_sender, 4), -1);
  assert_int_equal(route_fields(two_senders, 6), -1);
  assert_int_equal(route_fields(bad_time, 5), -1);
  assert_int_equal(route_fields(empty_rcpt, 5), -1);
  assert_int_equal(route_fields(unknown, 6), -1);
}

static void one_message(void **state)
{
  static char const *const rcpts[] = { "bob@here.example", "alice@remote.example", 0 };
  msg *m = 0;
  fix_todo(4600, "s@here.example", rcpts);
  F.nwrites = 0;
  assert_int_equal(preproc_one(&F.ctx, 4600, &m), PREPROC_NEW);
  assert_non_null(m);
  assert_int_equal(m->inf.size, 21);
  /* three durable writes, info last, after the others' folders synced */
  assert_int_equal(F.replaces, 3);
  assert_int_equal(F.nwrites, 6);
  fix_writes_start("w queue/local/0/4600", "w queue/remote/0/4600", "s queue/local/0", "s queue/remote/0",
                   "w queue/info/0/4600", "s queue/info/0");
  rcptlist l = RCPTLIST_ZERO;
  fix_read_rcpts("local", 4600, &l);
  assert_string_equal(l.v[0].addr, "bob@here.example");
  rcptrec_free(&l);
  message_free(m);
  /* state 3 (info written, todo still there): only posta-clean is asked */
  F.replaces = 0;
  assert_int_equal(preproc_one(&F.ctx, 4600, &m), PREPROC_SKIP);
  assert_int_equal(F.replaces, 0);
  assert_string_equal(fix_clean_asked(), "todo 4600\n");
  /* and not twice while the answer is awaited */
  assert_int_equal(preproc_one(&F.ctx, 4600, &m), PREPROC_SKIP);
  assert_string_equal(fix_clean_asked(), "");
}

static void rerouted_after_crash(void **state)
{
  /* an interrupted preprocessing wrote a remote record; since then the
   * domain became local: the stale record must not survive */
  static char const *const rcpts[] = { "x@later.example", 0 };
  msg *m = 0;
  char path[QPATH_MAX];
  fix_todo(4601, "", rcpts);
  qpath(path, "remote", 4601);
  fix_file(path, "stale");
  fix_file("control/locals", "here.example\nlater.example\n");
  assert_int_equal(settings_load(&F.ctx.set, 2), 0);
  F.nwrites = 0;
  assert_int_equal(preproc_one(&F.ctx, 4601, &m), PREPROC_NEW);
  fix_writes_start("w queue/local/1/4601", "u queue/remote/1/4601", "s queue/local/1", "s queue/remote/1",
                   "w queue/info/1/4601");
  assert_false(fix_exists("remote", 4601));
  assert_string_equal(m->inf.sender, "");
  message_free(m);
}

/* Messages found together: one fsync per folder for all of them, every
 * local and remote record durable before the first info. */
static void batch(void **state)
{
  static char const *const rcpts[] = { "a@here.example", "b@far.example", 0 };
  uint64_t ids[40];
  for (unsigned i = 0; i < 40; i++) {
    ids[i] = 4700 + i * 23;       /* all in the same folders: N = 8 */
    fix_todo(ids[i], "", rcpts);
  }
  F.nwrites = F.replaces = F.syncs = 0;
  preproc_batch(&F.ctx, ids, 40);
  assert_int_equal(F.replaces, 120);
  assert_int_equal(F.syncs, 3);
  unsigned first_info = 0, last_rcpt = 0;
  for (unsigned i = 0; i < F.nwrites; i++) {
    if (!strncmp(F.writes[i], "w queue/info/", 13) && !first_info) first_info = i;
    if (!strncmp(F.writes[i], "w queue/local/", 14) || !strncmp(F.writes[i], "w queue/remote/", 15)) last_rcpt = i;
  }
  /* F.writes holds the first 64 notes: 80 record writes, then the syncs */
  assert_int_equal(first_info, 0);
  assert_true(last_rcpt > 0);
  for (unsigned i = 0; i < 40; i++) {
    assert_true(fix_exists("info", ids[i]));
    assert_true(idset_has(&F.ctx.known, ids[i]));
  }
  /* each tried at once: 40 local deliveries to one mailbox stop at its
   * limit (control/concurrencymailbox, 5; the channel's is 10), */
  assert_int_equal(F.ctx.ch[CHAN_LOCAL].g.inflight, CONC_MAILBOX_DEFAULT);
  /* and 10 to one remote domain, its limit */
  assert_int_equal(F.ctx.ch[CHAN_REMOTE].g.inflight, 10);
}

static void broken_and_missing(void **state)
{
  char path[QPATH_MAX];
  msg *m = 0;
  static char const *const rcpts[] = { "a@here.example", 0 };
  qpath(path, "todo", 4602);
  fix_file(path, "posta todo 1\nnot a record");
  assert_int_equal(preproc_one(&F.ctx, 4602, &m), PREPROC_BROKEN);
  assert_false(fix_exists("info", 4602));
  /* a todo that vanished: nothing to do */
  assert_int_equal(preproc_one(&F.ctx, 4699, &m), PREPROC_SKIP);
  /* a todo without its message: left for the operator */
  fix_todo(4603, "", rcpts);
  qpath(path, "mess", 4603);
  unlink(path);
  assert_int_equal(preproc_one(&F.ctx, 4603, &m), PREPROC_BROKEN);
  assert_false(fix_exists("info", 4603));
}

/* An info written by a run that reported the write failed (the fsync of
 * its folder after the rename): the next scan schedules the message from
 * its records instead of leaving it until a restart (found by
 * tests/test_fault_pipeline.py, fsync EIO). */
static void state3_while_running(void **state)
{
  static char const *const rcpts[] = { "bob@here.example", 0 };
  msg *m = 0;
  fix_todo(4900, "s@here.example", rcpts);
  assert_int_equal(preproc_one(&F.ctx, 4900, &m), PREPROC_NEW);
  message_free(m);
  fix_clean_asked();
  /* posta-send never took it in: as if message_put_info had returned -1 */
  assert_false(idset_has(&F.ctx.known, 4900));
  size_t before = F.ctx.heap.n;
  preproc_new(&F.ctx, 4900);
  assert_true(idset_has(&F.ctx.known, 4900));
  assert_int_equal(F.ctx.heap.n, before + 1);
  assert_string_equal(fix_clean_asked(), "todo 4900\n");
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(route),
    cmocka_unit_test(malformed),
    cmocka_unit_test(one_message),
    cmocka_unit_test(rerouted_after_crash),
    cmocka_unit_test(batch),
    cmocka_unit_test(broken_and_missing),
    cmocka_unit_test(state3_while_running),
)
