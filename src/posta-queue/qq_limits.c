/* qq_limits: the settings posta-queue obeys and the free-space rule.
 *
 * control/maxrcpt bounds the envelope (default 1000, 0 or anything above
 * 100000 means 100000). control/queueminfree (default 10 MiB, and at least
 * twice control/databytes when that is set) is the room that must stay free
 * in the queue's file system: posta-queue refuses (53) before writing when
 * less is free, and stops (53) a message that would eat into it. An
 * unreadable or malformed control file is 55. Ends the process on failure. */
#include <errno.h>
#include <stdint.h>
#include <sys/statvfs.h>

#include <skalibs/strerr.h>

#include "common/control.h"
#include "common/envelope.h"
#include "posta-queue/qq.h"

/* Fewer free inodes than this is a full file system: a message needs three
 * (pid/mess, intd/todo) and posta-send needs more for its records. */
#define QQ_MININODES 16

uint64_t qq_room(uint64_t avail, uint64_t minfree, uint64_t databytes)
{
  if (databytes > UINT64_MAX / 2) minfree = UINT64_MAX;
  else if (minfree < 2 * databytes) minfree = 2 * databytes;
  return avail > minfree ? avail - minfree : 0;
}

static unsigned long setting(char const *fn, unsigned long dflt)
{
  unsigned long v;
  if (control_ulong(fn, &v, dflt) < 0) strerr_diefusys(QQ_CONTROL, "read ", fn);
  return v;
}

void qq_limits(qq *q)
{
  struct statvfs sv;
  unsigned long minfree, databytes;
  uint64_t avail;
  q->maxrcpt = setting("control/maxrcpt", QQ_MAXRCPT);
  q->maxrcpt = envelope_maxrcpt(q->maxrcpt);
  minfree = setting("control/queueminfree", QQ_MINFREE);
  databytes = setting("control/databytes", 0);
  if (statvfs("queue", &sv) < 0) strerr_diefusys(QQ_QUEUE, "measure the free space of queue");
  avail = (uint64_t)sv.f_bavail;
  avail = sv.f_frsize && avail > UINT64_MAX / sv.f_frsize ? UINT64_MAX : avail * sv.f_frsize;
  q->room = qq_room(avail, minfree, databytes);
  if (!q->room || (sv.f_files && sv.f_favail < QQ_MININODES))
    strerr_diefu(QQ_WRITE, "queue the message: the queue's file system is nearly full (control/queueminfree)");
}
