/* forward: re-inject through posta-queue or $QMAILQUEUE. See forward.h.
 * Returns -1 with the result in the context on failure; never runs a
 * shell. */
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

int forward_add(local_ctx *c, char const *addr, size_t n)
{
  while (n && (*addr == ' ' || *addr == '\t')) { addr++; n--; }
  while (n && (addr[n - 1] == ' ' || addr[n - 1] == '\t')) n--;
  if (!n || !envelope_addr_ok(addr, n) || memchr(addr, 0, n))
    return result_set(&c->res, 111, "4.7.0", "bad forwarding address in a dot-qmail file");
  if (!stralloc_catb(&c->fwd, addr, n) || !stralloc_0(&c->fwd))
    return result_setsys(&c->res, 111, "4.3.0", "unable to queue a forward");
  c->nfwd++;
  return 0;
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

/* Sets the result from errno and closes the pipes that were made: -1. */
static int shut(local_ctx *c, int const *m, int const *e, char const *what)
{
  result_setsys(&c->res, 111, "4.3.0", what);
  for (unsigned i = 0; i < 2; i++) {
    if (m[i] >= 0) close(m[i]);
    if (e[i] >= 0) close(e[i]);
  }
  return -1;
}

/* The injector's wait status (bad: the message or envelope was not all
 * written) as the forward's result: 0, or -1. */
static int judge(local_ctx *c, char const *qq, int status, int bad)
{
  char code[32];
  if (WIFSIGNALED(status)) return result_set(&c->res, 111, "4.3.0", "unable to forward: ", qq, " crashed");
  int k = forward_class(WEXITSTATUS(status));
  snprintf(code, sizeof code, "%d", WEXITSTATUS(status));
  if (k == 100)
    return result_set(&c->res, 100, "5.3.0", "unable to forward: ", qq, " refused it for good (exit ", code, ")");
  if (k == 111) return result_set(&c->res, 111, "4.3.0", "unable to forward: ", qq, " exited ", code);
  if (bad) return result_set(&c->res, 111, "4.3.0", "unable to forward: unable to write to ", qq);
  return 0;
}

int forward_run(local_ctx *c)
{
  char qq[PATH_MAX];
  int m[2], e[2], status;
  if (!c->nfwd) return 0;
  char const *env = getenv("QMAILQUEUE");
  if (env && env[0]) snprintf(qq, sizeof qq, "%s", env);
  else snprintf(qq, sizeof qq, "%s/bin/posta-queue", home_get());
  m[0] = m[1] = e[0] = e[1] = -1;
  if (pipe2(m, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0) return shut(c, m, e, "unable to create a pipe");
  pid_t pid = fork();
  if (pid < 0) return shut(c, m, e, "unable to fork");
  if (!pid) child(qq, m[0], e[0]);
  close(m[0]);
  close(e[0]);
  int bad = msg_copy(m[1], c, MSG_DT) < 0;
  close(m[1]);
  if (!bad) bad = write_envelope(c, e[1]) < 0;
  close(e[1]);
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return result_setsys(&c->res, 111, "4.3.0", "unable to wait for ", qq);
  return judge(c, qq, status, bad);
}
