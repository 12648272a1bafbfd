/* forward: re-inject through posta-queue or $QMAILQUEUE. See forward.h.
 * Exits through result.h on failure; never runs a shell. */
#include "posta-local/forward.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/durable.h"
#include "common/envelope.h"
#include "common/home.h"
#include "posta-local/msg.h"
#include "posta-local/result.h"

void forward_add(local_ctx *c, char const *addr, size_t n)
{
  while (n && (*addr == ' ' || *addr == '\t')) { addr++; n--; }
  while (n && (addr[n - 1] == ' ' || addr[n - 1] == '\t')) n--;
  if (!n || !envelope_addr_ok(addr, n) || memchr(addr, 0, n))
    result_exit(111, "4.7.0", "bad forwarding address in a dot-qmail file");
  if (!stralloc_catb(&c->fwd, addr, n) || !stralloc_0(&c->fwd)) result_exitsys(111, "4.3.0", "unable to queue a forward");
  c->nfwd++;
}

int forward_class(int code)
{
  if (!code) return 0;
  return code == 11 || code == 31 ? 100 : 111;
}

static int write_envelope(local_ctx const *c, int fd)
{
  stralloc e = STRALLOC_ZERO;
  int r = -1;
  if (stralloc_append(&e, 'F') && stralloc_cats(&e, c->sender) && stralloc_0(&e)) {
    size_t i = 0;
    while (i < c->fwd.len) {
      size_t k = strlen(c->fwd.s + i);
      if (!stralloc_append(&e, 'T') || !stralloc_catb(&e, c->fwd.s + i, k + 1)) break;
      i += k + 1;
    }
    if (i >= c->fwd.len && stralloc_0(&e)) r = durable_write_all(fd, e.s, e.len);
  }
  stralloc_free(&e);
  return r;
}

static void child(char const *qq, int m, int e)
{
  char const *argv[] = { qq, 0 };
  signal(SIGPIPE, SIG_DFL);
  if (dup2(m, 0) < 0 || dup2(e, 1) < 0) _exit(111);
  execv(qq, (char *const *)argv);
  _exit(111);
}

void forward_run(local_ctx *c)
{
  char qq[PATH_MAX], code[32];
  int m[2], e[2], status;
  if (!c->nfwd) return;
  char const *env = getenv("QMAILQUEUE");
  if (env && env[0]) snprintf(qq, sizeof qq, "%s", env);
  else snprintf(qq, sizeof qq, "%s/bin/posta-queue", home_get());
  if (pipe2(m, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0) result_exitsys(111, "4.3.0", "unable to create a pipe");
  pid_t pid = fork();
  if (pid < 0) result_exitsys(111, "4.3.0", "unable to fork");
  if (!pid) child(qq, m[0], e[0]);
  close(m[0]);
  close(e[0]);
  int bad = msg_copy(m[1], c, MSG_DT) < 0;
  close(m[1]);
  if (!bad) bad = write_envelope(c, e[1]) < 0;
  close(e[1]);
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) result_exitsys(111, "4.3.0", "unable to wait for ", qq);
  if (WIFSIGNALED(status)) result_exit(111, "4.3.0", "unable to forward: ", qq, " crashed");
  int k = forward_class(WEXITSTATUS(status));
  snprintf(code, sizeof code, "%d", WEXITSTATUS(status));
  if (k == 100) result_exit(100, "5.3.0", "unable to forward: ", qq, " refused it for good (exit ", code, ")");
  if (k == 111) result_exit(111, "4.3.0", "unable to forward: ", qq, " exited ", code);
  if (bad) result_exit(111, "4.3.0", "unable to forward: unable to write to ", qq);
}
