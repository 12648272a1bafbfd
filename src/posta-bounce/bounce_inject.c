/* bounce_inject: queues the notice through the instance's bin/posta-queue,
 * qmail-queue's interface: the message on its fd 0, then the envelope on
 * its fd 1 ("F" and an empty sender, "T" and the one recipient, a final
 * NUL), both pipes written in that order, which is the order posta-queue
 * reads them. posta-queue gets POSTA_HOME set to this instance, so that
 * even a run as root injects here. No shell is involved.
 *
 * Returns posta-queue's exit code, or -1 when it died of a signal; ends
 * the process with 100 when the recipient cannot be in an envelope, 111
 * when posta-queue cannot be started. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/durable.h"
#include "common/envelope.h"
#include "posta-bounce/bounce.h"

static void child(bounce const *b, char const *prog, int msgfd, int envfd)
{
  char const *argv[] = { "posta-queue", 0 };
  signal(SIGPIPE, SIG_DFL);
  if (dup2(msgfd, 0) < 0 || dup2(envfd, 1) < 0) {
    strerr_warnwu1sys("set up the descriptors of posta-queue");
    _exit(111);
  }
  if (setenv("POSTA_HOME", b->home, 1) < 0) _exit(111);
  execv(prog, (char *const *)argv);
  strerr_warnwu2sys("run ", prog);
  _exit(111);
}

/* writes all of s, or stops quietly when posta-queue closed its end: its
 * exit code tells why */
static void feed(int fd, char const *s, size_t len, char const *what)
{
  if (durable_write_all(fd, s, len) < 0 && errno != EPIPE)
    strerr_diefu2sys(111, "write the notice's ", what);
  close(fd);
}

int bounce_inject(bounce const *b, char const *msg, size_t len)
{
  char prog[PATH_MAX];
  char env[ENVELOPE_ADDR_MAX + 8];
  size_t tolen = strlen(b->to), envlen;
  int mp[2], ep[2], status;
  pid_t pid;
  if (!envelope_addr_ok(b->to, tolen))
    strerr_dief1x(100, "the notice's recipient cannot be put in an envelope");
  memcpy(env, "F\0T", 3);
  memcpy(env + 3, b->to, tolen);
  memcpy(env + 3 + tolen, "\0", 2);
  envlen = 3 + tolen + 2;
  if ((size_t)snprintf(prog, sizeof prog, "%s/bin/posta-queue", b->home) >= sizeof prog)
    strerr_dief1x(111, "the instance's path is too long");
  if (pipe2(mp, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0) strerr_diefu1sys(111, "create pipes");
  signal(SIGPIPE, SIG_IGN);
  pid = fork();
  if (pid < 0) strerr_diefu1sys(111, "fork");
  if (!pid) child(b, prog, mp[0], ep[0]);
  close(mp[0]);
  close(ep[0]);
  feed(mp[1], msg, len, "message");
  feed(ep[1], env, envlen, "envelope");
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) strerr_diefu1sys(111, "wait for posta-queue");
  if (!WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}
