/* posta-send: the queue manager. main() alone: options, then init and loop.
 * See doc/posta-send.8.
 *
 * A reader's map: the files of this folder in the order a message meets them.
 *
 *   init.c        at start: helpers' descriptors, the lock, signals;
 *                 settings.c reads the control files (retrysched.c the
 *                 retry schedule), and the first scans of todo/ and info/
 *                 are set going (qwalk.c).
 *   sendloop.c    the loop: poll, then each turn a bounded share of every
 *                 kind of work below. The trigger starts a scan of todo/.
 *   qwalk.c       reads queue/todo/N/ a few names a turn; idset.c says
 *                 which ids posta-send knows already.
 *   preproc.c     a new message's todo record becomes its local and remote
 *                 records (rcptrec.c) and then its info record (inforec.c),
 *                 written durably in groups (wbatch.c); posta-clean is asked
 *                 to remove the todo file (cleancl.c). It is tried at once.
 *   schedq.c      otherwise a message waits as 16 bytes in the index
 *                 (mheap.c), or as 8 on a full gate's list (gate.h, idq.c);
 *                 schedq_step takes the due ones, and message.c loads their
 *                 records (bouncerun.c reconciles a bounce record's).
 *   sched.c       what to do with it now: a delay notice (delaywarn.c), a
 *                 posta-bounce run (bouncerun.c), or deliveries within the
 *                 channel's and the domain's or mailbox's limits (dest.c).
 *   dispatch.c    starts a delivery: the request (spawnproto.c) goes to
 *                 posta-lspawn or posta-rspawn, with the message's fd for
 *                 a remote one.
 *   results.c     applies the response's RESULT lines: K done, Z a next
 *                 attempt (retrysched.c), D failed; tells dest.c whether the
 *                 domain is down, and wakes the gates' waiters.
 *   bouncerun.c   puts the failures into the bounce record (bouncerec.c)
 *                 before the recipients become B, then runs posta-bounce.
 *   message.c     writes what changed, one write per record per turn
 *                 (message_flush_all), parks or frees the message, and once
 *                 every recipient is D or B removes info, then the records,
 *                 then asks posta-clean to remove the mess file.
 *
 * Beside that path: qcmd.c applies the operators' hold, release, remove and
 * flush requests (msgrm.c removes a message for posta-qrm); recover.c
 * cleans up what a crash left; slog.c writes every log line; send.h holds
 * the context all of them are handed. */
#include <stdlib.h>
#include <unistd.h>

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/nodump.h"
#include "posta-send/init.h"
#include "posta-send/sendloop.h"
#include "posta-send/send.h"

#define USAGE "posta-send [ -d notif ]"

int main(int argc, char const *const *argv)
{
  static send_ctx ctx;
  int notify = -1;
  subgetopt l = SUBGETOPT_ZERO;
  PROG = "posta-send";
  if (nodump() < 0) strerr_diefusys(111, "make the process undumpable");
  for (;;) {
    int opt = subgetopt_r(argc, argv, "d:", &l);
    if (opt == -1) break;
    if (opt != 'd') strerr_dieusage(100, USAGE);
    unsigned int fd;
    if (!uint0_scan(l.arg, &fd) || fd < 3) strerr_dieusage(100, USAGE);
    notify = (int)fd;
  }
  if (argc - l.ind) strerr_dieusage(100, USAGE);
  init_all(&ctx, notify);
  return sendloop_run(&ctx);
}
