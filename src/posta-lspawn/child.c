/* child: lookup, privilege drop, then posta-local's delivery. See child.h.
 * Runs only in a forked child; never returns; executes nothing itself (the
 * delivery may run a dot-qmail program) but DIR/bin/posta-local when
 * POSTA_LSPAWN_EXEC is set. */
#include "posta-lspawn/child.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <skalibs/sig.h>

#include "common/fds.h"
#include "common/rec.h"
#include "common/slurp.h"
#include "posta-local/local.h"
#include "posta-lspawn/lspawn.h"
#include "sk/lookup.h"

/* Ends the child with posta-local's kind of result line. */
__attribute__((noreturn)) static void say(int code, char const *status, char const *a, char const *b, char const *c,
                                          char const *d)
{
  char buf[2048];
  int n = snprintf(buf, sizeof buf, "%s%s%s%s (#%s)\n", a, b, c, d, status);
  if (n > 0) {
    ssize_t w = write(1, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
    (void)w;
  }
  _exit(code);
}

/* The message posta-lspawn opened for this delivery alone (messfile.h):
 * its read offset is its own. */
static void message_stdin(int fd)
{
  if (dup2(fd, 0) < 0) say(111, "4.3.0", "unable to set up the message descriptor", "", "", "");
  if (fd) close(fd);
}

static void defaultdelivery(char *buf, size_t size)
{
  char *s;
  size_t len;
  if (slurp_path("control/defaultdelivery", 0, size - 1, &s, &len) < 0) {
    if (errno != ENOENT) say(111, "4.3.0", "unable to read control/defaultdelivery: ", strerror(errno), "", "");
    snprintf(buf, size, "./Maildir/\n");
    return;
  }
  memcpy(buf, s, len);
  buf[len] = 0;
  free(s);
}

static void drop(lookup_result const *u, char const *rcpt)
{
  char num[32];
  snprintf(num, sizeof num, "%lu", (unsigned long)u->uid);
  if (getuid() == 0) {
    if (setgroups(1, &u->gid) < 0 || setgid(u->gid) < 0 || setuid(u->uid) < 0)
      say(111, "4.3.0", "unable to switch to uid ", num, ": ", strerror(errno));
    if (getuid() != u->uid || geteuid() != u->uid) say(111, "4.3.0", "unable to switch to uid ", num, "", "");
  } else if (getuid() != u->uid) {
    say(111, "4.3.0", "posta-lspawn does not run as root and cannot deliver as uid ", num, " for ", rcpt);
  }
}

extern char **environ;

/* The only variables posta-local gets, besides PATH and POSTA_HOME. */
static char const *const passed[] = { "QMAILQUEUE", "TZ", "ASAN_OPTIONS", "UBSAN_OPTIONS" };

void child_env(char const *home, char const **env, char *envhome, size_t size)
{
  snprintf(envhome, size, "POSTA_HOME=%s", home);
  env[0] = "PATH=/usr/local/bin:/usr/bin:/bin";
  env[1] = envhome;
  unsigned ne = 2;
  for (char **e = environ; *e; e++)
    for (unsigned i = 0; i < sizeof passed / sizeof *passed; i++) {
      size_t k = strlen(passed[i]);
      if (!strncmp(*e, passed[i], k) && (*e)[k] == '=' && ne < CHILD_ENV_MAX - 1) env[ne++] = *e;
    }
  env[ne] = 0;
}

void child_run(char const *home, request const *r, int out)
{
  char local[REQUEST_ADDR_MAX + 1], dd[LSPAWN_DEFAULTDELIVERY_MAX], prog[PATH_MAX], envhome[PATH_MAX + 16];
  lookup_result u;
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, 0);
  signal(SIGPIPE, SIG_DFL);
  if (dup2(out, 1) < 0) _exit(111);
  message_stdin(r->fd);
  char const *at = strrchr(r->rcpt, '@');
  memcpy(local, r->rcpt, (size_t)(at - r->rcpt));
  local[at - r->rcpt] = 0;
  if (lookup_local(local, at + 1, &u) < 0) say(111, "4.3.0", "unable to look up ", r->rcpt, ": ", strerror(errno));
  if (u.uid == 0)
    say(100, "5.3.5", "refusing to deliver as root (uid 0) for ", r->rcpt,
        ": its mailbox must belong to another user", "");
  defaultdelivery(dd, sizeof dd);
  drop(&u, r->rcpt);
  if (chdir(u.home) < 0) say(111, "4.3.0", "unable to switch to ", u.home, ": ", strerror(errno));
  /* nothing of posta-lspawn's but the message (0), the result pipe (1)
   * and the log (2) may reach the delivery, nor the programs it runs */
  fds_close_from(3);
  snprintf(prog, sizeof prog, "%s/bin/posta-local", home);
  char const *env[CHILD_ENV_MAX];   /* environ from here on: local_main never returns */
  child_env(home, env, envhome, sizeof envhome);
  char const *argv[] = { prog, u.user, u.home, local, u.dash, u.ext, at + 1, r->sender, dd, 0 };
  char const *x = getenv("POSTA_LSPAWN_EXEC");
  if (x && *x && strcmp(x, "0")) {
    execve(prog, (char *const *)argv, (char *const *)env);
    say(111, "4.3.0", "unable to run ", prog, ": ", strerror(errno));
  }
  environ = (char **)env;
  prctl(PR_SET_NAME, "posta-local", 0, 0, 0);
  local_main(9, argv);
}
