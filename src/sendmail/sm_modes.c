/* sm_modes: sendmail's modes other than queueing. See sm_modes.h. */
#include "sendmail/sm_modes.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/strerr.h>

extern char **environ;

static void prog_path(char *buf, size_t size, char const *home, char const *prog)
{
  if ((size_t)snprintf(buf, size, "%s/bin/%s", home, prog) >= size) strerr_dief2x(111, "home folder name too long: ", home);
}

/* Copies what fd gives to stdout; the number of bytes, or -1. */
static long long relay(int fd)
{
  char buf[8192];
  long long total = 0;
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (!r) return total;
    if (allwrite(1, buf, (size_t)r) < (size_t)r) strerr_diefusys(111, "write to stdout");
    total += r;
  }
}

/* posta-qread's blocks as they come; an empty listing gets the line
 * mailq prints for an empty queue, which scripts look for. posta-qread
 * decides who may read the queue (root and posta-s) and says why not. */
int sm_list(char const *home)
{
  char prog[PATH_MAX];
  char *argv[2] = { "posta-qread", 0 };
  int p[2], r, status;
  pid_t pid;
  posix_spawn_file_actions_t fa;
  prog_path(prog, sizeof prog, home, "posta-qread");
  if (pipe2(p, O_CLOEXEC) < 0) strerr_diefusys(111, "make a pipe");
  if ((r = posix_spawn_file_actions_init(&fa))
      || (r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0))
      || (r = posix_spawn_file_actions_adddup2(&fa, p[1], 1))
      || (r = posix_spawn(&pid, prog, &fa, 0, argv, environ))) {
    errno = r;
    strerr_diefusys(111, "run ", prog);
  }
  posix_spawn_file_actions_destroy(&fa);
  close(p[1]);
  long long n = relay(p[0]);
  close(p[0]);
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) strerr_diefusys(111, "wait for ", prog);
  if (n < 0) strerr_diefusys(111, "read from ", prog);
  if (!WIFEXITED(status)) strerr_dief2x(111, prog, " crashed");
  r = WEXITSTATUS(status);
  if (!r && !n && allwrite(1, "Mail queue is empty\n", 20) < 20) strerr_diefusys(111, "write to stdout");
  return r;
}

/* posta has no aliases database: the alias user's dot-qmail files
 * (DIR/alias/.qmail-NAME) are read at each delivery, and users/assign is
 * compiled by posta-newu, never behind the operator's back (a package's
 * newaliases run must not apply a half-edited file). */
int sm_aliases(char const *home)
{
  static char const say[] = "nothing to rebuild: posta has no aliases database;"
    " aliases are the alias user's dot-qmail files, ";
  if (allwrite(1, say, sizeof say - 1) < sizeof say - 1
      || allwrite(1, home, strlen(home)) < strlen(home)
      || allwrite(1, "/alias/.qmail-NAME, read at each delivery\n", 42) < 42)
    strerr_diefusys(111, "write to stdout");
  return 0;
}

/* Variables of a connection that a local session must not inherit: a
 * RELAYCLIENT appended to each recipient, the TLS descriptor of
 * posta-tlsd, the addresses of a peer that is not there. */
static int dropped(char const *v)
{
  static char const *const names[] = { "RELAYCLIENT=", "POSTA_TLSFD=", "TCP", "PROTO=", "SSL_", 0 };
  for (size_t i = 0; names[i]; i++)
    if (!strncmp(v, names[i], strlen(names[i]))) return 1;
  return 0;
}

/* posta-smtpd as the caller (sendmail is not setuid: nothing is gained),
 * with RELAYCLIENT empty: any recipient, as sendmail itself takes any; the
 * message reaches posta-queue, which records the caller's uid, as for a
 * message on stdin. Not -s: no AUTH to ask of a local user. */
int sm_smtp(char const *home)
{
  char prog[PATH_MAX];
  char *argv[2] = { "posta-smtpd", 0 };
  size_t n = 0, k = 0;
  while (environ[n]) n++;
  char **env = calloc(n + 2, sizeof *env);
  if (!env) strerr_diefusys(111, "allocate");
  for (size_t i = 0; i < n; i++)
    if (!dropped(environ[i])) env[k++] = environ[i];
  env[k++] = "RELAYCLIENT=";
  env[k] = 0;
  prog_path(prog, sizeof prog, home, "posta-smtpd");
  execve(prog, argv, env);
  strerr_diefusys(111, "run ", prog);
}

/* posta-send runs the queue: posta-qflush asks it to try every message. */
int sm_flush(char const *home)
{
  char prog[PATH_MAX];
  char *argv[2] = { "posta-qflush", 0 };
  prog_path(prog, sizeof prog, home, "posta-qflush");
  execv(prog, argv);
  strerr_diefusys(111, "run ", prog);
}
