/* qq_die: the one way posta-queue fails. It removes every file this run
 * created (pid, mess, intd: state 0 of doc/queue.md at worst, never a todo),
 * then prints the error and exits with qmail-queue's code. Never returns. */
#include <errno.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "posta-queue/qq.h"

void qq_unlink_all(qq *q)
{
  /* intd first: a todo is never made from it once it is gone */
  if (q->intdfn[0]) unlink(q->intdfn);
  if (q->messfn[0]) unlink(q->messfn);
  if (q->pidfn[0]) unlink(q->pidfn);
  q->intdfn[0] = q->messfn[0] = q->pidfn[0] = 0;
}

void qq_die(qq *q, int code, char const *what)
{
  int e = errno;
  qq_unlink_all(q);
  if (e == ENOSPC || e == EDQUOT) code = QQ_WRITE;
  errno = e;
  strerr_diefusys(code, what);
}

void qq_diex(qq *q, int code, char const *what)
{
  qq_unlink_all(q);
  strerr_diefu(code, what);
}
