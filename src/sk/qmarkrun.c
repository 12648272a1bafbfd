/* qmarkrun: the common body of posta-qhold, posta-qrm and posta-qflush:
 * requests written, posta-send woken, its answer awaited and reported, one
 * line per message on stdout:
 *
 *   ID: held | released | removed | flushed
 *   ID: released (and gone since: delivered or bounced)
 *   ID: marked for removal (it goes once its deliveries in flight end)
 *   ID: no such message in the queue
 *   ID: held: not flushed (release it first with posta-qhold -r)
 *   ID: refused: ...  (see posta-send's log)
 *   ID: waiting for posta-send
 *
 * Returns the exit code; never exits. See qmarkrun.h. */
#include "sk/qmarkrun.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/cmdrec.h"
#include "common/qpath.h"
#include "sk/qmark.h"

enum { ITEM_SKIP, ITEM_SENT, ITEM_DONE };

static char const held_not_flushed[] = "held: not flushed (release it first with posta-qhold -r)";

typedef struct item_s item;
struct item_s {
  uint64_t id;
  int stage;
  char const *say;      /* the verdict, once there is one */
  int code;             /* its exit code */
};

static int parse(char op, char const *s, uint64_t *id)
{
  if (op == CMDREC_FLUSH && !strcmp(s, "all")) { *id = CMDREC_ALL; return 0; }
  return qpath_id(s, id) && *id ? 0 : -1;
}

static void put(item const *it)
{
  char fmt[UINT64_FMT];
  if (it->id == CMDREC_ALL) buffer_puts(buffer_1, "all");
  else buffer_put(buffer_1, fmt, uint64_fmt(fmt, it->id));
  buffer_puts(buffer_1, ": ");
  buffer_puts(buffer_1, it->say);
  buffer_puts(buffer_1, "\n");
}

/* Writes the request of one message, unless its state settles it. */
static void ask(item *it, char op, roles const *r)
{
  enum qmark_state st = QMARK_ACTIVE;
  it->stage = ITEM_SKIP;
  it->code = 100;
  if (it->id != CMDREC_ALL && qmark_state(it->id, &st) < 0) {
    it->say = errno == EPROTO ? "refused: its info record is unreadable" : "unable to read its records";
    it->code = errno == EPROTO ? 100 : 111;
    return;
  }
  if (st == QMARK_GONE) { it->say = "no such message in the queue"; return; }
  /* a flush never reaches a held message: posta-send would take the
   * request and do nothing, and "flushed" would be a lie */
  if (op == CMDREC_FLUSH && st == QMARK_HELD) { it->say = held_not_flushed; return; }
  int w = qmark_request(it->id, op, r);
  if (w < 0) { it->say = "unable to write the request"; it->code = 111; strerr_warnwusys("write a request into ", CMDREC_DIR); return; }
  if (!w) { it->say = "refused: it is being removed"; return; }
  it->stage = ITEM_SENT;
  it->say = "waiting for posta-send";
  it->code = 111;
}

/* The verdict once posta-send took the request: 1 final, 0 not yet. */
static int verdict(item *it, char op)
{
  enum qmark_state st = QMARK_GONE;
  int p = qmark_pending(it->id);
  if (p != 0) return 0;
  if (it->id != CMDREC_ALL && qmark_state(it->id, &st) < 0) return 0;
  it->code = 0;
  switch (op) {
    case CMDREC_HOLD: it->say = st == QMARK_HELD ? "held" : 0; break;
    /* released, then delivered (or bounced) before we looked: a success */
    case CMDREC_RELEASE:
      it->say = st == QMARK_ACTIVE || st == QMARK_TODO ? "released"
        : st == QMARK_GONE ? "released (and gone since: delivered or bounced)" : 0;
      break;
    /* it may be delivered and gone already; held meanwhile, it was not */
    case CMDREC_FLUSH:
      it->say = st == QMARK_HELD ? held_not_flushed : "flushed";
      if (st == QMARK_HELD) it->code = 100;
      break;
    default:
      if (st == QMARK_REMOVING) { it->say = "marked for removal (it goes once its deliveries in flight end)"; return 0; }
      it->say = st == QMARK_GONE ? "removed" : 0;
  }
  if (!it->say) { it->say = "refused (see posta-send's log)"; it->code = 100; }
  it->stage = ITEM_DONE;
  return 1;
}

/* Waits until every request has a verdict, or the time is up. */
static void await(item *v, size_t n, char op, unsigned wait)
{
  time_t end = time(0) + (time_t)wait;
  unsigned turns = 0;
  for (;;) {
    size_t left = 0;
    for (size_t i = 0; i < n; i++)
      if (v[i].stage == ITEM_SENT && !verdict(&v[i], op)) left++;
    if (!left || time(0) >= end) return;
    /* a full trigger dropped the byte: say it again now and then */
    if (++turns % 20 == 0) qmark_poke();
    usleep(50000);
  }
}

int qmarkrun_run(char op, char const *const *argv, unsigned wait)
{
  roles r;
  size_t n = 0;
  int code = 0, sent = 0;
  while (argv[n]) n++;
  item *v = calloc(n ? n : 1, sizeof *v);
  if (!v) { strerr_warnwusys("allocate"); return 111; }
  for (size_t i = 0; i < n; i++)
    if (parse(op, argv[i], &v[i].id) < 0) { strerr_warnw2x("not a message id: ", argv[i]); free(v); return 100; }
  if (roles_load(&r, ".") < 0) { strerr_warnwusys("find the users of the instance"); free(v); return 111; }
  for (size_t i = 0; i < n; i++) {
    ask(&v[i], op, &r);
    sent |= v[i].stage == ITEM_SENT;
  }
  if (sent) {
    int p = qmark_poke();
    if (!p) strerr_warnw1x("posta-send is not running: the requests wait for its start");
    if (p < 0 && errno != EAGAIN) strerr_warnwusys("write to queue/lock/trigger");
    if (p && wait) await(v, n, op, wait);
    if (!wait) for (size_t i = 0; i < n; i++) if (v[i].stage == ITEM_SENT) { v[i].say = "asked"; v[i].code = 0; }
  }
  for (size_t i = 0; i < n; i++) {
    put(&v[i]);
    if (v[i].code > code) code = v[i].code;
  }
  free(v);
  if (!buffer_flush(buffer_1)) { strerr_warnwusys("write to stdout"); return 111; }
  return code;
}
