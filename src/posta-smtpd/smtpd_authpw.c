/* smtpd_authpw: one run of the checkpassword program (the qmail world's
 * interface, doc/tls.md): "PROG ARGS... /bin/true", with login NUL
 * password NUL timestamp NUL on its descriptor 3, through a pipe, so that
 * the password is never in an argument or the environment. Exit 0: right;
 * 1: wrong; anything else, a signal, or no answer within the timeout
 * (then it is killed): a temporary failure. Our copy of the data is wiped.
 * See smtpd_auth.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "posta-smtpd/smtpd_auth.h"

#define CHECK_TRUE "/bin/true"
#define WAIT_STEP_MS 5

/* Splits prog at spaces into argv, /bin/true appended: the count, or -1. */
static int words(char *prog, char const **argv)
{
  int n = 0;
  for (char *p = prog; *p;) {
    while (*p == ' ' || *p == '\t') *p++ = 0;
    if (!*p) break;
    if (n >= SMTPD_AUTH_ARGS_MAX - 2) return -1;
    argv[n++] = p;
    while (*p && *p != ' ' && *p != '\t') p++;
  }
  if (!n) return -1;
  argv[n++] = CHECK_TRUE;
  argv[n] = 0;
  return n;
}

static void child(char const *const *argv, int fd)
{
  if (fd != 3 && (dup2(fd, 3) < 0 || close(fd) < 0)) _exit(111);
  /* the client's input and output are no business of checkpassword's:
   * what it prints goes to the log */
  close(0);
  if (dup2(2, 1) < 0) _exit(111);
  execv(argv[0], (char *const *)argv);
  _exit(111);
}

static int wait_for(pid_t pid, unsigned timeout)
{
  int status;
  long long left = (long long)timeout * 1000;
  struct timespec step = { 0, WAIT_STEP_MS * 1000000L };
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return 2;
    if (left <= 0) {
      kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) ;
      return 2;
    }
    nanosleep(&step, 0);
    left -= WAIT_STEP_MS;
  }
  if (!WIFEXITED(status)) return 2;
  return WEXITSTATUS(status) == 0 ? 0 : WEXITSTATUS(status) == 1 ? 1 : 2;
}

int smtpd_authpw_check(char const *prog, char const *user, size_t ulen, char const *pass, size_t plen, unsigned timeout)
{
  char progbuf[SMTPD_AUTH_PROG_MAX], data[SMTPD_AUTH_USER_MAX + SMTPD_AUTH_PASS_MAX + 32];
  char const *argv[SMTPD_AUTH_ARGS_MAX];
  int p[2];
  snprintf(progbuf, sizeof progbuf, "%s", prog);
  if (words(progbuf, argv) < 0 || ulen >= SMTPD_AUTH_USER_MAX || plen >= SMTPD_AUTH_PASS_MAX) return 2;
  /* a NUL would cut the credentials short on their way to the checker */
  if (memchr(user, 0, ulen) || memchr(pass, 0, plen)) return 1;
  int n = snprintf(data, sizeof data, "%.*s%c%.*s%c%lld%c", (int)ulen, user, 0, (int)plen, pass, 0, (long long)time(0), 0);
  if (n < 0 || pipe(p) < 0) return 2;
  pid_t pid = fork();
  if (pid < 0) { close(p[0]); close(p[1]); explicit_bzero(data, sizeof data); return 2; }
  if (!pid) { close(p[1]); child(argv, p[0]); }
  close(p[0]);
  /* at most 550 octets: the pipe takes them at once */
  ssize_t w;
  do w = write(p[1], data, (size_t)n); while (w < 0 && errno == EINTR);
  explicit_bzero(data, sizeof data);
  close(p[1]);
  return wait_for(pid, timeout);
}
