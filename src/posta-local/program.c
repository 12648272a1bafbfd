/* program: fork sh -c, collect its output, classify its exit. See
 * program.h. Exits through result.h on failure; never waits on a program's
 * descendants once the program itself has exited. */
#include "posta-local/program.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "posta-local/msg.h"
#include "posta-local/progenv.h"
#include "posta-local/result.h"

extern char **environ;

int program_class(int code)
{
  static int const perm[] = { 64, 65, 70, 76, 77, 78, 100, 112 };
  if (code == 0) return PROGRAM_OK;
  if (code == 99) return PROGRAM_STOP;
  for (size_t i = 0; i < sizeof perm / sizeof *perm; i++)
    if (code == perm[i]) return PROGRAM_PERM;
  return PROGRAM_TEMP;
}

static void child(int out, char const *cmd, char const *const *env)
{
  char const *argv[] = { "sh", "-c", cmd, 0 };
  signal(SIGPIPE, SIG_DFL);
  if (msg_rewind() < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) _exit(111);
  execve("/bin/sh", (char *const *)argv, (char *const *)env);
  _exit(111);
}

/* Reads the program's output until its pipe ends, or the program has
 * exited and what its descendants may still write has been read a bounded
 * number of times. Returns the wait status. */
static int collect(pid_t pid, int fd, char *buf, size_t *len)
{
  int status = 111 << 8, exited = 0;  /* a lost child counts as temporary */
  unsigned after = 0;
  char junk[4096];
  for (;;) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int r = poll(&p, 1, exited ? 0 : 200);
    if (r > 0) {
      size_t room = PROGRAM_OUTPUT_MAX - *len;
      ssize_t n = read(fd, room ? buf + *len : junk, room ? room : sizeof junk);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) break;
      if (n > 0 && room) *len += (size_t)n;
    }
    if (exited) {
      if (r <= 0 || ++after >= 16) break;
      continue;
    }
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) exited = 1;
    else if (w < 0 && errno != EINTR) break;
  }
  if (!exited) while (waitpid(pid, &status, 0) < 0 && errno == EINTR) ;
  return status;
}

int program_run(local_ctx *c, char const *cmd)
{
  stralloc sa = STRALLOC_ZERO;
  char const **env;
  char out[PROGRAM_OUTPUT_MAX + 1], code[32];
  size_t len = 0;
  int p[2];
  if (progenv_build(c, (char const *const *)environ, &sa, &env) < 0) result_exitsys(111, "4.3.0", "unable to build the environment");
  if (pipe2(p, O_CLOEXEC) < 0) result_exitsys(111, "4.3.0", "unable to create a pipe");
  pid_t pid = fork();
  if (pid < 0) result_exitsys(111, "4.3.0", "unable to fork");
  if (!pid) child(p[1], cmd, env);
  close(p[1]);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  int status = collect(pid, p[0], out, &len);
  close(p[0]);
  free(env);
  stralloc_free(&sa);
  if (WIFSIGNALED(status)) {
    snprintf(code, sizeof code, "%d", WTERMSIG(status));
    out[len] = 0;
    result_exit(111, "4.3.0", "program killed by signal ", code, ": ", len ? out : "(no output)");
  }
  int k = program_class(WEXITSTATUS(status));
  if (k == PROGRAM_OK || k == PROGRAM_STOP) { c->nprogram++; return k; }
  snprintf(code, sizeof code, "%d", WEXITSTATUS(status));
  out[len] = 0;
  if (k == PROGRAM_PERM) result_exit(100, "5.3.0", "program failed (exit ", code, "): ", len ? out : "(no output)");
  result_exit(111, "4.3.0", "program failed temporarily (exit ", code, "): ", len ? out : "(no output)");
}
