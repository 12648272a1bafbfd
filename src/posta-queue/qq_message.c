/* qq_message: the message file. The write path puts its Received line and
 * then the message as it comes (fd 0 for posta-queue, the client's chunks
 * for posta-injectd) into queue/pid/PID (PID.SEQ for the daemon's SEQth
 * message), and links it to queue/mess/N/ID, ID being its inode number;
 * qq_commit fsyncs it. The message is stored as
 * given: posta-smtpd and the injectors hand it over with LF line ends.
 * Every QQ_RECHECK bytes the free space is measured again (qq_limits.c).
 * Nothing here is visible to posta-send: a crash leaves state 0.
 * Returns 0 or the code (54 reading, 53 writing, 63/64 the folders). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/durable.h"
#include "posta-queue/qq.h"

#define QQ_CHUNK 65536

static int open_pid(qq *q, int *fd)
{
  char fn[sizeof q->pidfn];
  struct stat st;
  if (q->seq) snprintf(fn, sizeof fn, "queue/pid/%ld.%lu", (long)q->pid, q->seq);
  else snprintf(fn, sizeof fn, "queue/pid/%ld", (long)q->pid);
  *fd = qq_create(q, fn, O_EXCL);
  if (*fd < 0 && errno == EEXIST) {
    /* No live process has our pid (and a daemon never reuses a SEQ): the
     * file is a dead injector's. */
    if (unlink(fn) < 0 && errno != ENOENT) return qq_fail(q, QQ_PID, "remove a stale queue/pid file");
    *fd = qq_create(q, fn, O_EXCL);
  }
  if (*fd < 0) return qq_fail(q, QQ_PID, "create a file in queue/pid");
  snprintf(q->pidfn, sizeof q->pidfn, "%s", fn);
  if (fstat(*fd, &st) < 0) return qq_fail(q, QQ_PID, "stat the file in queue/pid");
  q->id = (uint64_t)st.st_ino;
  return 0;
}

int qq_message_begin(qq *q)
{
  q->now = time(0);
  q->size = 0;
  return open_pid(q, &q->fd);
}

int qq_message_put(qq *q, char const *s, size_t n)
{
  if (n > q->room - q->size) {
    errno = ENOSPC;
    return qq_fail(q, QQ_WRITE, "write the message: it would leave less than control/queueminfree free");
  }
  if (durable_write_all(q->fd, s, n) < 0) return qq_fail(q, QQ_WRITE, "write the message");
  q->size += n;
  /* the room was measured at the start: others may have taken it since */
  if (q->size / QQ_RECHECK != (q->size - n) / QQ_RECHECK) return qq_space(q, q->fd);
  return 0;
}

static int copy(qq *q)
{
  char buf[QQ_CHUNK];
  size_t n = qq_received(buf, sizeof buf, q->pid, q->invoked, q->ruid, q->now);
  if (!n) return qq_failx(q, QQ_BUG, "format the Received line");
  for (;;) {
    ssize_t r = read(0, buf + n, sizeof buf - n);
    if (r < 0) {
      if (errno == EINTR) continue;
      return qq_fail(q, QQ_READ, "read the message");
    }
    n += (size_t)r;
    if (!r || n == sizeof buf) {
      int e = qq_message_put(q, buf, n);
      if (e) return e;
      n = 0;
    }
    if (!r) return 0;
  }
}

int qq_message_end(qq *q)
{
  struct stat st;
  /* fsynced by qq_commit, with the record: the link below names it in
   * mess/, which commits nothing (only todo's name does) */
  if (!qpath(q->messfn, "mess", q->id)) {
    q->messfn[0] = 0;
    return qq_failx(q, QQ_BUG, "name the message file");
  }
  if (link(q->pidfn, q->messfn) < 0) {
    q->messfn[0] = 0;
    return qq_fail(q, QQ_MESS, "link the message into queue/mess");
  }
  /* the pid name was ours from open to link: check nobody swapped it */
  if (stat(q->messfn, &st) < 0) return qq_fail(q, QQ_MESS, "stat the message in queue/mess");
  if ((uint64_t)st.st_ino != q->id) {
    errno = EEXIST;
    return qq_fail(q, QQ_PID, "keep queue/pid/PID: another process replaced it");
  }
  unlink(q->pidfn);
  q->pidfn[0] = 0;
  return 0;
}

int qq_message(qq *q)
{
  int r = qq_message_begin(q);
  if (!r) r = copy(q);
  if (!r) r = qq_message_end(q);
  return r;
}
