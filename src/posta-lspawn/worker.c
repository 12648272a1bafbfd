/* worker: a virtual-mailbox worker, the process side. See worker.h.
 *
 * Forked by posta-lspawn (pool.c), it drops to posta-v for good, then
 * serves one hand-off after another on its socket until posta-lspawn
 * closes it (max use). Each delivery: the request ('L'), a lookup as
 * posta-v, 'M' when the owner is this worker's uid and gid, else 'F'; then
 * the message ('D' and its descriptor) on fd 0, posta-local's delivery
 * with Maildir lines only (local_deliver), the result ('R') or 'F'.
 * Nothing of a delivery outlives it: its buffers are freed by
 * local_deliver, the message descriptor closed, the working directory set
 * back. Never returns; executes nothing. */
#include "posta-lspawn/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/fds.h"
#include "common/nodump.h"
#include "common/slurp.h"
#include "common/fdpass.h"
#include "posta-local/local.h"
#include "posta-lspawn/child.h"
#include "posta-lspawn/lspawn.h"
#include "posta-lspawn/request.h"
#include "sk/lookup.h"

extern char **environ;

static int say(char const *s, size_t len)
{
  for (;;) {
    if (send(WORKER_FD, s, len, MSG_NOSIGNAL) >= 0) return 0;
    if (errno != EINTR) return -1;
  }
}

/* One packet into buf (size bytes, NUL added), and the descriptor that
 * came with it (else -1; any other closed). Its length, 0 at end of file,
 * -1 on error. */
static ssize_t hear(char *buf, size_t size, int *fd)
{
  fdpass_got got;
  ssize_t n = fdpass_recv(WORKER_FD, buf, size - 1, 0, &got);
  *fd = got.fd;
  if (n < 0) return -1;
  buf[n] = 0;
  return n;
}

static int defaultdelivery(char *buf, size_t size)
{
  char *s;
  size_t len;
  if (slurp_path("control/defaultdelivery", 0, size - 1, &s, &len) < 0) {
    if (errno != ENOENT) return -1;
    snprintf(buf, size, "./Maildir/\n");
    return 0;
  }
  memcpy(buf, s, len);
  buf[len] = 0;
  free(s);
  return 0;
}

/* The delivery itself, once lspawn sent the message: 'R' CODE NUL LINE,
 * or 'F' for a dot-qmail file with more than Maildirs. */
static int deliver(lookup_result const *u, char const *local, char const *domain, char const *sender,
                   char const *dd, int fd)
{
  char out[16 + RESULT_TEXT_MAX + 2];
  local_result res;
  if (dup2(fd, 0) < 0) return say("F", 1);
  close(fd);
  char const *arg[8] = { u->user, u->home, local, u->dash, u->ext, domain, sender, dd };
  int code = local_deliver(arg, 1, &res);
  dup2(1, 0);   /* /dev/null again: the message is closed */
  if (code == LOCAL_ELSEWHERE) return say("F", 1);
  size_t k = (size_t)snprintf(out, sizeof out, "R%d", code) + 1;
  k += result_line(&res, out + k);
  return say(out, k);
}

/* One hand-off. 1 served, 0 end of file, -1 a broken socket. */
static int serve(char const *home)
{
  char buf[REQUEST_MAX + 2], local[REQUEST_ADDR_MAX + 1], dd[LSPAWN_DEFAULTDELIVERY_MAX];
  lookup_result u;
  request r;
  char const *why;
  int fd;
  ssize_t n = hear(buf, sizeof buf, &fd);
  if (n <= 0) return (int)n;
  if (fd >= 0) close(fd);
  /* the working directory is the instance's: setup, and after each delivery */
  if (buf[0] != 'L' || request_parse(buf + 1, (size_t)n - 1, &r, &why) < 0) return say("F", 1) < 0 ? -1 : 1;
  char const *at = strrchr(r.rcpt, '@');
  memcpy(local, r.rcpt, (size_t)(at - r.rcpt));
  local[at - r.rcpt] = 0;
  /* only what this worker's uid owns; the rest, and every error, goes to
   * a forked child, which looks up again and says what went wrong */
  if (lookup_local(local, at + 1, &u) < 0 || !u.uid || u.uid != getuid() || u.gid != getgid()
      || u.home[0] != '/' || defaultdelivery(dd, sizeof dd) < 0)
    return say("F", 1) < 0 ? -1 : 1;
  if (say("M", 1) < 0) return -1;
  if ((n = hear(buf, sizeof buf, &fd)) <= 0) return (int)n;
  if (buf[0] != 'D' || fd < 0) {
    if (fd >= 0) close(fd);
    return say("F", 1) < 0 ? -1 : 1;
  }
  int e = deliver(&u, local, at + 1, r.sender, dd, fd);
  if (chdir(home) < 0) _exit(111);
  return e < 0 ? -1 : 1;
}

static void setup(char const *home, int sock, uid_t uid, gid_t gid)
{
  sigset_t none;
  sigemptyset(&none);
  signal(SIGCHLD, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  signal(SIGPIPE, SIG_IGN);
  sigprocmask(SIG_SETMASK, &none, 0);
  if (!uid) _exit(111);
  if (getuid() == 0 && (setgroups(1, &gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0)) _exit(111);
  if (getuid() != uid || geteuid() != uid || getgid() != gid) _exit(111);
  nodump();
  int null = open("/dev/null", O_RDWR);
  /* nothing of posta-lspawn's may reach it: not posta-send's socket, not
   * queue/mess, not another delivery's message */
  if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0) _exit(111);
  if (sock != WORKER_FD && dup2(sock, WORKER_FD) < 0) _exit(111);
  fds_close_from(WORKER_FD + 1);
  if (chdir(home) < 0) _exit(111);
}

void worker_run(char const *home, int sock, uid_t uid, gid_t gid)
{
  char envhome[PATH_MAX + 16];
  char const *env[CHILD_ENV_MAX];   /* environ until the end: never returns */
  setup(home, sock, uid, gid);
  child_env(home, env, envhome, sizeof envhome);
  environ = (char **)env;
  prctl(PR_SET_NAME, "posta-vworker", 0, 0, 0);
  while (serve(home) > 0) {}
  exit(0);   /* not _exit: a sanitizer build checks it for leaks here */
}
