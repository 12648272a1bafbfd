/* qq_limits: the settings posta-queue obeys and the free-space rule.
 *
 * control/maxrcpt bounds the envelope (default 1000, 0 or anything above
 * 100000 means 100000). control/queueminfree (default 10 MiB, and at least
 * twice control/databytes when that is set) is the room that must stay free
 * in the queue's file system: posta-queue refuses (53) before writing when
 * less is free, and stops (53) a message that would eat into it. Free space
 * measured once at the start is not enough when many injections run at
 * once (each would see the same room and all of them could fill it), so
 * the queue's file system is measured again, on the open file, every
 * QQ_RECHECK bytes of message and once more after the message and its
 * record are written and before the commit: the space this run and every
 * other one has taken by then is counted, and a run that finds less than
 * the reserve free gives up (53) and removes its files. One fstatvfs per
 * message, one more per QQ_RECHECK bytes of a big one. An unreadable or
 * malformed control file is 55. Each returns 0 or the code. */
#include <errno.h>
#include <stdint.h>
#include <sys/statvfs.h>

#include "common/control.h"
#include "common/envelope.h"
#include "posta-queue/qq.h"

/* Fewer free inodes than this is a full file system: a message needs three
 * (pid/mess, intd/todo) and posta-send needs more for its records. */
#define QQ_MININODES 16

uint64_t qq_minfree(uint64_t minfree, uint64_t databytes)
{
  if (databytes > UINT64_MAX / 2) return UINT64_MAX;
  return minfree < 2 * databytes ? 2 * databytes : minfree;
}

uint64_t qq_room(uint64_t avail, uint64_t minfree, uint64_t databytes)
{
  minfree = qq_minfree(minfree, databytes);
  return avail > minfree ? avail - minfree : 0;
}

static int setting(qq *q, char const *fn, char const *what, unsigned long dflt, unsigned long *v)
{
  if (control_ulong(fn, v, dflt) < 0) return qq_fail(q, QQ_CONTROL, what);
  return 0;
}

static uint64_t avail_bytes(struct statvfs const *sv)
{
  uint64_t avail = (uint64_t)sv->f_bavail;
  return sv->f_frsize && avail > UINT64_MAX / sv->f_frsize ? UINT64_MAX : avail * sv->f_frsize;
}

static int few_inodes(struct statvfs const *sv)
{
  return sv->f_files && sv->f_favail < QQ_MININODES;
}

int qq_limits(qq *q)
{
  struct statvfs sv;
  unsigned long maxrcpt, minfree, databytes;
  int r = setting(q, "control/maxrcpt", "read control/maxrcpt", QQ_MAXRCPT, &maxrcpt);
  if (!r) r = setting(q, "control/queueminfree", "read control/queueminfree", QQ_MINFREE, &minfree);
  if (!r) r = setting(q, "control/databytes", "read control/databytes", 0, &databytes);
  if (r) return r;
  q->maxrcpt = envelope_maxrcpt(maxrcpt);
  q->minfree = qq_minfree(minfree, databytes);
  if (statvfs("queue", &sv) < 0) return qq_fail(q, QQ_QUEUE, "measure the free space of queue");
  q->room = qq_room(avail_bytes(&sv), minfree, databytes);
  if (!q->room || few_inodes(&sv))
    return qq_failx(q, QQ_WRITE, "queue the message: the queue's file system is nearly full (control/queueminfree)");
  return 0;
}

int qq_space(qq *q, int fd)
{
  struct statvfs sv;
  if (fstatvfs(fd, &sv) < 0) return qq_fail(q, QQ_QUEUE, "measure the free space of queue");
  if (avail_bytes(&sv) >= q->minfree && !few_inodes(&sv)) return 0;
  errno = ENOSPC;
  return qq_fail(q, QQ_WRITE, "queue the message: with it the queue's file system would keep less than control/queueminfree free");
}
