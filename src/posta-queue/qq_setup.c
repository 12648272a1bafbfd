/* qq_setup: a clean process before anything is read. posta-queue is setuid:
 * its caller chose its descriptors, signal dispositions, mask, umask and
 * alarm, and none of them may be trusted. Exits 81 when it cannot get there. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/fds.h"
#include "posta-queue/qq.h"

static void on_alarm(int sig)
{
  (void)sig;
  /* a partial pid or mess file stays: state 0, cleaned by posta-send */
  _exit(QQ_TIMEOUT);
}

/* fd 0, 1, 2 must exist, else the first file opened would take one of them
 * and an error message could land in the queue. */
static void std_fds(void)
{
  for (int fd = 0; fd < 3; fd++) {
    if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    int n = open("/dev/null", fd ? O_WRONLY : O_RDONLY);
    if (n != fd) _exit(QQ_BUG);
  }
}

static void signals(void)
{
  struct sigaction sa = { 0 };
  sigset_t all;
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  /* a write past RLIMIT_FSIZE returns EFBIG (53) instead of killing us;
   * a trigger FIFO whose reader left returns EPIPE */
  if (sigaction(SIGXFSZ, &sa, 0) < 0 || sigaction(SIGPIPE, &sa, 0) < 0)
    strerr_diefusys(QQ_BUG, "set signal handlers");
  sa.sa_handler = on_alarm;
  if (sigaction(SIGALRM, &sa, 0) < 0) strerr_diefusys(QQ_BUG, "set signal handlers");
  sigemptyset(&all);
  if (sigprocmask(SIG_SETMASK, &all, 0) < 0) strerr_diefusys(QQ_BUG, "set the signal mask");
}

void qq_hygiene(void)
{
  std_fds();
  fds_close_from(3);
  signals();
  /* every file's mode is given where it is created (qq_file.c) */
  umask(022);
  alarm(QQ_ALARM);
}
