/* qq_fail: the one way a step of the write path fails. It removes every
 * file this message created (pid, mess, intd, and a todo not yet made
 * durable: state 0 of doc/queue.md at worst, never a todo), records what
 * failed and returns qmail-queue's code. qq_release ends a message whatever
 * became of it; qq_exit_if is posta-queue's way out. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "posta-queue/qq.h"

void qq_unlink_all(qq *q)
{
  /* a todo whose folder was not fsynced is not queued: it goes first, so
   * that no todo is ever left without its message */
  if (q->todofn[0]) unlink(q->todofn);
  /* intd next: a todo is never made from it once it is gone */
  if (q->intdfn[0]) unlink(q->intdfn);
  if (q->messfn[0]) unlink(q->messfn);
  if (q->pidfn[0]) unlink(q->pidfn);
  q->todofn[0] = q->intdfn[0] = q->messfn[0] = q->pidfn[0] = 0;
}

int qq_fail(qq *q, int code, char const *what)
{
  int e = errno;
  qq_unlink_all(q);
  if (e == ENOSPC || e == EDQUOT) code = QQ_WRITE;
  q->what = what;
  q->err = e;
  errno = e;
  return code;
}

int qq_failx(qq *q, int code, char const *what)
{
  qq_unlink_all(q);
  q->what = what;
  q->err = 0;
  return code;
}

void qq_release(qq *q)
{
  if (q->fd >= 0) close(q->fd);
  q->fd = -1;
  free(q->envbuf);
  q->envbuf = 0;
  q->env = (envelope){ 0 };
  qq_unlink_all(q);
  q->size = 0;
  q->id = 0;
  q->what = 0;
  q->err = 0;
}

void qq_exit_if(qq const *q, int code)
{
  if (!code) return;
  if (q->err) {
    errno = q->err;
    strerr_diefusys(code, q->what);
  }
  strerr_diefu(code, q->what);
}
