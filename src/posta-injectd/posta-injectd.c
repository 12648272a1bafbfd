/* posta-injectd: the injector daemon. It takes messages from posta-smtpd
 * over DIR/injectd/socket and commits them to the queue with posta-queue's
 * write path, several at once when they arrive together; each client gets
 * qmail-queue's exit code once its message is durable. Runs as the queue's
 * owner (posta-q) under s6. -d FD: say "ready" on FD once listening.
 * See doc/posta-injectd.8 and doc/protocols.md. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/nodump.h"
#include "posta-injectd/injd.h"

#define USAGE "posta-injectd [ -d notif ]"

static injd d;   /* large (a client table): not on the stack */

static void notify(int fd)
{
  if (fd < 0) return;
  if (write(fd, "\n", 1) < 0) strerr_warnwu1sys("say ready");
  close(fd);
}

/* A signal: 1 to stop. */
static int on_signal(void)
{
  struct signalfd_siginfo si;
  int stop = 0;
  while (read(d.sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
    if (si.ssi_signo == SIGHUP) injd_settings(&d);
    else stop = 1;
  }
  return stop;
}

static void stop_all(void)
{
  /* every message not committed is released: its files go, its client
   * hears 111 (a temporary failure) or nothing */
  for (unsigned i = 0; i < INJD_MAXCLIENTS; i++)
    if (d.c[i].state != INJD_FREE) injd_finish(&d, &d.c[i], QQ_TIMEOUT);
  unlink(INJD_SOCKET);
}

static void loop(void)
{
  static struct pollfd p[INJD_MAXCLIENTS + 2];
  static injd_client *who[INJD_MAXCLIENTS + 2];
  for (;;) {
    unsigned n = 0;
    int timeout = injd_expire(&d);
    p[n++] = (struct pollfd){ .fd = d.sigfd, .events = POLLIN };
    p[n++] = (struct pollfd){ .fd = d.nclients < INJD_MAXCLIENTS ? d.lfd : -1, .events = POLLIN };
    for (unsigned i = 0; i < INJD_MAXCLIENTS; i++) {
      if (d.c[i].state != INJD_READING) continue;
      who[n] = &d.c[i];
      p[n++] = (struct pollfd){ .fd = d.c[i].fd, .events = POLLIN };
    }
    if (poll(p, n, timeout) < 0) {
      if (errno == EINTR) continue;
      strerr_diefusys(111, "poll");
    }
    if (p[0].revents && on_signal()) return;
    for (unsigned i = 2; i < n; i++)
      if (p[i].revents && who[i]->state == INJD_READING) injd_read(&d, who[i]);
    /* every message whose envelope came in this turn: one commit */
    injd_commit(&d);
    if (p[1].revents) injd_accept(&d);
  }
}

int main(int argc, char const *const *argv)
{
  subgetopt l = SUBGETOPT_ZERO;
  int notif = -1;
  unsigned u;
  PROG = "posta-injectd";
  for (;;) {
    int opt = subgetopt_r(argc, argv, "d:", &l);
    if (opt == -1) break;
    if (opt == 'd' && uint0_scan(l.arg, &u)) notif = (int)u;
    else strerr_dieusage(100, USAGE);
  }
  if (nodump() < 0) strerr_diefusys(111, "make the process undumpable");
  for (unsigned i = 0; i < INJD_MAXCLIENTS; i++) d.c[i].fd = -1;
  injd_setup(&d);
  notify(notif);
  loop();
  stop_all();
  return 0;
}
