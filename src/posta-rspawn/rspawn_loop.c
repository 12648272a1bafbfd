/* rspawn_loop: posta-rspawn's event loop: requests, children's output,
 * signals (SIGCHLD, SIGHUP re-reads the concurrency, SIGTERM ends the
 * requests as end of file would), answers. It never blocks on one child
 * nor on posta-send. See rspawn.h. */
#include "posta-rspawn/rspawn.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>

#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/strerr.h>

#define FIXED_FDS 3

static void on_signals(rspawn *r)
{
  int sig;
  while ((sig = selfpipe_read()) > 0) {
    if (sig == SIGCHLD) rspawn_reap(r);
    else if (sig == SIGTERM) r->eof = 1;
    else if (sig == SIGHUP && rspawn_conf_concurrency(&r->concurrency) < 0)
      strerr_warnwusys("read control/concurrencyremote");
  }
  if (sig < 0) strerr_diefusys(111, "read the selfpipe");
}

/* Fills fds: the selfpipe, fd 0, fd 1 when needed (*fixed of them), then
 * one per child; slot_of maps each child's entry to its slot. */
static unsigned int watch(rspawn *r, struct pollfd *fds, unsigned int *slot_of, int sfd, unsigned int *fixed)
{
  unsigned int n = 0;
  fds[n++] = (struct pollfd){ sfd, POLLIN, 0 };
  if (!r->eof) fds[n++] = (struct pollfd){ 0, POLLIN, 0 };
  if (r->head) fds[n++] = (struct pollfd){ 1, POLLOUT, 0 };
  *fixed = n;
  for (unsigned int i = 0; i < RSPAWN_CONCURRENCY_MAX; i++)
    if (r->slot[i].pid && r->slot[i].out >= 0) {
      slot_of[n] = i;
      fds[n++] = (struct pollfd){ r->slot[i].out, POLLIN, 0 };
    }
  return n;
}

int rspawn_loop(rspawn *r)
{
  static struct pollfd fds[FIXED_FDS + RSPAWN_CONCURRENCY_MAX];
  static unsigned int slot_of[FIXED_FDS + RSPAWN_CONCURRENCY_MAX];
  int sfd = selfpipe_init();
  if (sfd < 0) strerr_diefusys(111, "create the selfpipe");
  if (selfpipe_trap(SIGCHLD) < 0 || selfpipe_trap(SIGHUP) < 0 || selfpipe_trap(SIGTERM) < 0)
    strerr_diefusys(111, "trap signals");
  sig_ignore(SIGPIPE);
  while (!r->eof || r->running || r->head) {
    unsigned int fixed;
    unsigned int n = watch(r, fds, slot_of, sfd, &fixed);
    if (poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      strerr_diefusys(111, "poll");
    }
    if (fds[0].revents) on_signals(r);
    for (unsigned int i = fixed; i < n; i++)
      if (fds[i].revents) rspawn_read_output(r, slot_of[i]);
    if (fixed > 1 && fds[1].fd == 0 && fds[1].revents) rspawn_requests(r);
    rspawn_finish(r);
    rspawn_answers_send(r);
  }
  selfpipe_finish();
  return r->lost ? 111 : 0;
}
