/* tlsd_child: runs posta-smtpd behind pipes, and waits for it.
 *
 * The child gets a pipe on 0 (what the client said), a pipe on 1 (what it
 * says), the control socket on TLSD_CTLFD when STARTTLS is possible, and
 * nothing else of ours: never the client's socket, so what it parses comes
 * only through us. See tlsd.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "posta-tlsd/tlsd.h"

static void nonblock(int fd)
{
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) strerr_diefu1sys(111, "set a descriptor non-blocking");
}

void tlsd_clear_env(void)
{
  unsetenv("POSTA_TLSFD");
  unsetenv("SSL_PROTOCOL");
  unsetenv("SSL_CIPHER");
}

/* In the child: the environment posta-smtpd reads, then exec. */
static void child(tlsd *t, char const *const *argv, int in, int out, int ctl)
{
  char fdnum[16];
  /* move them out of the way of 0, 1 and TLSD_CTLFD first */
  int hin = fcntl(in, F_DUPFD, 10), hout = fcntl(out, F_DUPFD, 10), hctl = ctl >= 0 ? fcntl(ctl, F_DUPFD, 10) : -1;
  if (hin < 0 || hout < 0 || (ctl >= 0 && hctl < 0)) strerr_diefu1sys(111, "move descriptors");
  if (dup2(hin, 0) < 0 || dup2(hout, 1) < 0 || (hctl >= 0 && dup2(hctl, TLSD_CTLFD) < 0))
    strerr_diefu1sys(111, "move descriptors");
  for (int fd = 3; fd < 64; fd++)
    if (fd != TLSD_CTLFD || hctl < 0) close(fd);
  tlsd_clear_env();
  if (hctl >= 0) {
    snprintf(fdnum, sizeof fdnum, "%d", TLSD_CTLFD);
    setenv("POSTA_TLSFD", fdnum, 1);
  }
  if (t->conn) {
    setenv("SSL_PROTOCOL", t->version, 1);
    setenv("SSL_CIPHER", t->cipher, 1);
  }
  execv(argv[0], (char *const *)argv);
  strerr_diefu2sys(111, "execute ", argv[0]);
}

void tlsd_spawn(tlsd *t, char const *const *argv, int withctl)
{
  int in[2], out[2], ctl[2] = { -1, -1 };
  if (pipe(in) < 0 || pipe(out) < 0) strerr_diefu1sys(111, "create pipes");
  if (withctl && socketpair(AF_UNIX, SOCK_STREAM, 0, ctl) < 0) strerr_diefu1sys(111, "create the control socket");
  t->child = fork();
  if (t->child < 0) strerr_diefu1sys(111, "fork");
  if (!t->child) {
    close(in[1]);
    close(out[0]);
    if (withctl) close(ctl[0]);
    child(t, argv, in[0], out[1], ctl[1]);
  }
  close(in[0]);
  close(out[1]);
  if (withctl) close(ctl[1]);
  t->toapp = in[1];
  t->fromapp = out[0];
  t->ctl = ctl[0];
  nonblock(t->toapp);
  nonblock(t->fromapp);
  if (t->ctl >= 0) nonblock(t->ctl);
  fcntl(t->toapp, F_SETFD, FD_CLOEXEC);
  fcntl(t->fromapp, F_SETFD, FD_CLOEXEC);
}

void tlsd_reap(tlsd *t)
{
  int *fds[3] = { &t->toapp, &t->fromapp, &t->ctl };
  /* it may be waiting for us: end of file on everything first */
  for (unsigned i = 0; i < 3; i++)
    if (*fds[i] >= 0) { close(*fds[i]); *fds[i] = -1; }
  if (t->child <= 0) return;
  while (waitpid(t->child, 0, 0) < 0 && errno == EINTR) ;
  t->child = 0;
}
