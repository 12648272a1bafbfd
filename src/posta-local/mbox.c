/* mbox: locked append with rollback. See mbox.h. Returns -1 with result
 * 111 in the context on failure; never leaves a partial message in the
 * file. */
#include "posta-local/mbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "posta-local/msg.h"
#include "posta-local/result.h"

static void on_alarm(int sig)
{
  (void)sig;  /* only interrupts fcntl(F_SETLKW) */
}

/* 0 locked, -1 error or timeout (errno EINTR). */
static int lock_wait(int fd)
{
  struct sigaction sa, old;
  struct flock fl;
  int r;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;   /* no SA_RESTART: the wait must end */
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGALRM, &sa, &old) < 0) return -1;
  memset(&fl, 0, sizeof fl);
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  alarm(MBOX_LOCK_SECONDS);
  r = fcntl(fd, F_SETLKW, &fl);
  int e = errno;
  alarm(0);
  sigaction(SIGALRM, &old, 0);
  errno = e;
  return r < 0 ? -1 : 0;
}

static int fail(local_ctx *c, int fd, off_t size, char const *path)
{
  int e = errno;
  if (size >= 0 && ftruncate(fd, size) == 0) fsync(fd);
  close(fd);
  errno = e;
  return result_setsys(&c->res, 111, result_status_write(e), "unable to write ", path);
}

int mbox_deliver(local_ctx *c, char const *path)
{
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0) return result_setsys(&c->res, 111, "4.2.1", "unable to open ", path);
  if (lock_wait(fd) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    if (e == EINTR) return result_set(&c->res, 111, "4.2.1", "timed out waiting for the lock on ", path);
    return result_setsys(&c->res, 111, "4.2.1", "unable to lock ", path);
  }
  off_t size = lseek(fd, 0, SEEK_END);
  if (size < 0) return fail(c, fd, -1, path);
  if (msg_copy(fd, c, MSG_UF | MSG_RP | MSG_DT | MSG_MBOX) < 0 || fsync(fd) < 0) return fail(c, fd, size, path);
  close(fd);  /* after a good fsync the message is there: an error here changes nothing */
  c->nmbox++;
  return 0;
}
