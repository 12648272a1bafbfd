/* pool_keeper: the one process of posta-smtpdpool that stays root, to
 * start the TLS workers. See pool.h.
 *
 * posta-tlsd -w must read the key as root, and the pool runs as posta-d:
 * so before it drops its privileges, the pool forks this keeper, which
 * keeps them and does one thing, on one socket: at each request ("N", one
 * byte, nothing else is read), it starts a worker (prog -w, with one end
 * of a new SOCK_SEQPACKET socketpair on its descriptor 0 and the
 * environment of the pool: $UID, $GID for the worker's drop) and sends
 * back "P" and its pid with the other end, or "E" when it cannot or when
 * limit workers of its own run already. It reaps them. End of file on the
 * socket (the pool is gone) ends it. It never holds the listening socket
 * nor a client's byte, and a posta-d that took the pool over can make it
 * do nothing but start up to limit posta-tlsd -w. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/fdpass.h"
#include "common/fds.h"
#include "posta-smtpdpool/pool.h"

#define TICK_MS 1000

static void child(char const *prog, int fd)
{
  char const *argv[3] = { prog, "-w", 0 };
  int null = open("/dev/null", O_WRONLY);
  if (null < 0 || dup2(fd, 0) < 0 || dup2(null, 1) < 0) _exit(111);
  fds_close_from(3);
  execv(prog, (char *const *)argv);
  strerr_warnwu2sys("execute ", prog);
  _exit(111);
}

/* One worker: its pid with our end of its socket to the pool, or "E". */
static void start(int sock, char const *prog, unsigned *live, unsigned limit)
{
  int sv[2];
  char msg[24];
  pid_t pid = -1;
  if (*live < limit && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0) {
    pid = fork();
    if (!pid) child(prog, sv[1]);
    close(sv[1]);
    if (pid < 0) close(sv[0]);
  }
  if (pid < 0) {
    strerr_warnwu1sys("start a TLS worker");
    fdpass_send(sock, "E", 1, -1);
    return;
  }
  (*live)++;
  int n = snprintf(msg, sizeof msg, "P%ld", (long)pid);
  fdpass_send(sock, msg, (size_t)n, sv[0]);
  close(sv[0]);
}

static void keep(int sock, char const *prog, unsigned limit)
{
  unsigned live = 0;
  for (;;) {
    while (waitpid(-1, 0, WNOHANG) > 0)
      if (live) live--;
    struct pollfd p = { sock, POLLIN, 0 };
    int r = poll(&p, 1, TICK_MS);
    if (r < 0 && errno != EINTR) _exit(111);
    if (r <= 0) continue;
    char c;
    ssize_t k = recv(sock, &c, 1, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) _exit(0);
    if (c == 'N') start(sock, prog, &live, limit);
  }
}

int pool_keeper_start(pool const *p, char const *prog)
{
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) strerr_diefu1sys(111, "create the keeper's socket");
  pid_t pid = fork();
  if (pid < 0) strerr_diefu1sys(111, "fork the keeper");
  if (!pid) {
    close(sv[0]);
    close(p->lfd);
    signal(SIGCHLD, SIG_DFL);
    keep(sv[1], prog, 2 * p->max + 8);
  }
  close(sv[1]);
  return sv[0];
}
