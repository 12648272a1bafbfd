/* bounce_run: posta-bounce's steps in order, and its log lines.
 *
 * lock and read the record; read the settings; decide who gets the notice
 * (or drop it); read the original; compose; inject; remove the record.
 * A crash anywhere before the removal leaves the record, and posta-send
 * runs posta-bounce again: the notice is never lost, and it is sent twice
 * only when the crash falls between posta-queue's exit 0 and the removal.
 *
 * Log lines (stderr, one event each; addresses escaped as posta-send's
 * log does, doc/log-format.md):
 *   posta-bounce: info: ID: failure notice to <ADDR> for N recipients queued
 *   posta-bounce: info: ID: delay notice to <ADDR> for N recipients queued
 *   posta-bounce: info: ID: double bounce to <ADDR> for N recipients queued
 *   posta-bounce: info: ID: failure notice dropped: WHY
 * Returns 0, or ends the process with 100 or 111. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/esc.h"
#include "common/home.h"
#include "posta-bounce/bounce.h"

/* fds 0, 1 and 2 open, so that no pipe of ours is taken for one of them */
static void hygiene(void)
{
  int fd;
  do fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  while (fd >= 0 && fd <= 2);
  if (fd < 0) strerr_diefu1sys(111, "open /dev/null");
  close(fd);
}

static void compose(bounce const *b, dsn_buf *out)
{
  char msgid[400];
  int64_t now = (int64_t)time(0);
  dsn d = { 0 };
  snprintf(msgid, sizeof msgid, "%lld.%u.%c%llu@%s", (long long)now, (unsigned)getpid(),
           b->kind == DSN_DELAYED ? 'd' : 'b', (unsigned long long)b->id, b->me);
  d.kind = b->kind;
  d.dbl = b->dbl;
  d.me = b->me;
  d.from = b->from;
  d.to = b->to;
  d.sender = b->sender;
  d.msgid = msgid;
  d.id = b->id;
  d.arrival = b->arrival;
  d.now = now;
  d.until = b->arrival + (int64_t)b->lifetime;
  d.rcpt = b->rcpt;
  d.nrcpt = b->nrcpt;
  d.msg = b->msg;
  d.msglen = b->msglen;
  d.msgsize = b->msgsize;
  d.limit = b->limit;
  if (dsn_compose(&d, out) < 0) strerr_diefu1sys(111, "compose the notice");
}

static void injected(bounce const *b, int r)
{
  char code[16];
  if (!r) return;
  snprintf(code, sizeof code, "%d", r);
  /* qmail-queue's codes: 11 to 40 are permanent, the rest temporary */
  if (r >= 11 && r <= 40)
    strerr_dief2x(100, "posta-queue refused the notice for good: exit code ", code);
  if (r < 0) strerr_dief1x(111, "posta-queue crashed");
  strerr_dief2x(111, "posta-queue failed to queue the notice: exit code ", code);
}

static void logdone(bounce const *b)
{
  static char const *const what[] = { "failure notice to <", "delay notice to <" };
  char id[24], n[24], safe[BOUNCE_LOGADDR_MAX];
  snprintf(id, sizeof id, "%llu", (unsigned long long)b->id);
  snprintf(n, sizeof n, "%zu", b->nrcpt);
  strerr_warni7x(id, ": ", b->dbl ? "double bounce to <" : what[b->kind == DSN_DELAYED],
                 esc_dots(safe, sizeof safe, b->to, ESC_ADDR), "> for ", n,
                 b->nrcpt == 1 ? " recipient queued" : " recipients queued");
}

int bounce_run(bounce *b)
{
  dsn_buf out = DSN_BUF_ZERO;
  b->rkind = b->kind == DSN_DELAYED ? "delay" : "bounce";
  hygiene();
  b->home = home_get();
  if (chdir(b->home) < 0) strerr_diefu2sys(111, "change to the home folder ", b->home);
  if (!bounce_record_load(b)) return 0;
  int e = bounce_parse(b);
  if (e) return e;
  bounce_settings(b);
  if (!bounce_target(b)) {
    bounce_record_remove(b);
    return 0;
  }
  bounce_message(b);
  compose(b, &out);
  injected(b, bounce_inject(b, out.s, out.len));
  bounce_record_remove(b);
  logdone(b);
  dsn_buf_free(&out);
  return 0;
}
