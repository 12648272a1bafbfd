/* program: fork sh -c, collect its output, classify its exit. See
 * program.h. Returns -1 with the result in the context on failure; never
 * waits on a program's descendants once the program itself has exited;
 * kills the program's
 * process group (its session: setsid) when the delivery's deadline comes. */
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
  /* a session and process group of its own: at the deadline, the program
   * and everything it started in it are killed together */
  if (setsid() < 0) _exit(111);
  if (msg_rewind() < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) _exit(111);
  execve("/bin/sh", (char *const *)argv, (char *const *)env);
  _exit(111);
}

/* Kills the program's process group (and the program, should it not
 * have made its group yet) and reaps the program. */
static void kill_program(pid_t pid)
{
  int status;
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) ;
}

/* How long poll may wait: at most 200 ms, and not past the deadline. */
static int wait_ms(uint64_t deadline, int exited)
{
  if (exited) return 0;
  if (!deadline) return 200;
  uint64_t now = local_now_ms();
  if (now >= deadline) return 0;
  return deadline - now < 200 ? (int)(deadline - now) : 200;
}

/* Reads the program's output until its pipe ends, or the program has
 * exited and what its descendants may still write has been read a bounded
 * number of times. Returns the wait status; -1 when the deadline came
 * first (the program's group is killed). */
static int collect(pid_t pid, int fd, char *buf, size_t *len, uint64_t deadline)
{
  int status = 111 << 8, exited = 0;  /* a lost child counts as temporary */
  unsigned after = 0;
  char junk[4096];
  for (;;) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (!exited && deadline && local_now_ms() >= deadline) {
      kill_program(pid);
      return -1;
    }
    int r = poll(&p, 1, wait_ms(deadline, exited));
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
  if (!exited) {
    /* the pipe ended before the program: wait for it, to the deadline
     * (it is most often exiting: short naps first) */
    for (int nap = 1;; nap = nap < 100 ? nap * 2 : nap) {
      pid_t w = waitpid(pid, &status, WNOHANG);
      if (w == pid || (w < 0 && errno != EINTR)) break;
      if (deadline && local_now_ms() >= deadline) { kill_program(pid); return -1; }
      int ms = wait_ms(deadline, 0);
      poll(0, 0, ms < nap ? ms : nap);
    }
  }
  return status;
}

/* The program's wait status (-1: killed at the deadline) and output as
 * the line's result: PROGRAM_OK or PROGRAM_STOP, else -1. */
static int judge(local_ctx *c, int status, char *out, size_t len)
{
  char code[32];
  char const *said = len ? out : "(no output)";
  out[len] = 0;
  if (status == -1) {
    snprintf(code, sizeof code, "%lu", c->timeout);
    return result_set(&c->res, 111, "4.3.0", "program timed out after ", code,
                      " seconds (control/timeoutlocal): killed with its process group: ", said);
  }
  if (WIFSIGNALED(status)) {
    snprintf(code, sizeof code, "%d", WTERMSIG(status));
    return result_set(&c->res, 111, "4.3.0", "program killed by signal ", code, ": ", said);
  }
  int k = program_class(WEXITSTATUS(status));
  if (k == PROGRAM_OK || k == PROGRAM_STOP) { c->nprogram++; return k; }
  snprintf(code, sizeof code, "%d", WEXITSTATUS(status));
  if (k == PROGRAM_PERM) return result_set(&c->res, 100, "5.3.0", "program failed (exit ", code, "): ", said);
  return result_set(&c->res, 111, "4.3.0", "program failed temporarily (exit ", code, "): ", said);
}

/* Forks the program, its output into a pipe whose read end goes to *fd:
 * its pid, or -1 with the result set. */
static pid_t start(local_ctx *c, char const *cmd, char const *const *env, int *fd)
{
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return result_setsys(&c->res, 111, "4.3.0", "unable to create a pipe");
  pid_t pid = fork();
  if (!pid) child(p[1], cmd, env);
  if (pid < 0) {
    int e = errno;
    close(p[0]);
    close(p[1]);
    errno = e;
    return result_setsys(&c->res, 111, "4.3.0", "unable to fork");
  }
  close(p[1]);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  *fd = p[0];
  return pid;
}

int program_run(local_ctx *c, char const *cmd)
{
  stralloc sa = STRALLOC_ZERO;
  char const **env;
  char out[PROGRAM_OUTPUT_MAX + 1];
  size_t len = 0;
  int fd = -1;
  if (progenv_build(c, (char const *const *)environ, &sa, &env) < 0)
    return result_setsys(&c->res, 111, "4.3.0", "unable to build the environment");
  pid_t pid = start(c, cmd, env, &fd);
  free(env);
  stralloc_free(&sa);
  if (pid < 0) return -1;
  int status = collect(pid, fd, out, &len, c->deadline);
  close(fd);
  return judge(c, status, out, len);
}
