/* qq_message: the message file. posta-queue writes its Received line and
 * then fd 0 as it comes into queue/pid/PID, fsyncs it, and links it to
 * queue/mess/N/ID, ID being its inode number. The message is stored as
 * given: posta-smtpd and the injectors hand it over with LF line ends.
 * Every QQ_RECHECK bytes the free space is measured again (qq_limits.c).
 * Nothing here is visible to posta-send: a crash leaves state 0.
 * Ends the process on failure (54 reading, 53 writing, 63/64 the folders). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/durable.h"
#include "posta-queue/qq.h"

#define QQ_CHUNK 65536

static int open_pid(qq *q)
{
  char fn[sizeof q->pidfn];
  struct stat st;
  snprintf(fn, sizeof fn, "queue/pid/%ld", (long)q->pid);
  int fd = qq_create(q, fn, O_EXCL);
  if (fd < 0 && errno == EEXIST) {
    /* No live process has our pid: the file is a dead injector's. */
    if (unlink(fn) < 0 && errno != ENOENT) qq_die(q, QQ_PID, "remove a stale queue/pid file");
    fd = qq_create(q, fn, O_EXCL);
  }
  if (fd < 0) qq_die(q, QQ_PID, "create a file in queue/pid");
  snprintf(q->pidfn, sizeof q->pidfn, "%s", fn);
  if (fstat(fd, &st) < 0) qq_die(q, QQ_PID, "stat the file in queue/pid");
  q->id = (uint64_t)st.st_ino;
  return fd;
}

static void put(qq *q, char const *s, size_t n)
{
  if (n > q->room - q->size) {
    errno = ENOSPC;
    qq_die(q, QQ_WRITE, "write the message: it would leave less than control/queueminfree free");
  }
  if (durable_write_all(q->fd, s, n) < 0) qq_die(q, QQ_WRITE, "write the message");
  q->size += n;
  /* the room was measured at the start: others may have taken it since */
  if (q->size / QQ_RECHECK != (q->size - n) / QQ_RECHECK) qq_space(q, q->fd);
}

static void copy(qq *q)
{
  char buf[QQ_CHUNK];
  size_t n = qq_received(buf, sizeof buf, q->pid, q->invoked, q->ruid, q->now);
  if (!n) qq_diex(q, QQ_BUG, "format the Received line");
  for (;;) {
    ssize_t r = read(0, buf + n, sizeof buf - n);
    if (r < 0) {
      if (errno == EINTR) continue;
      qq_die(q, QQ_READ, "read the message");
    }
    n += (size_t)r;
    if (!r || n == sizeof buf) {
      put(q, buf, n);
      n = 0;
    }
    if (!r) break;
  }
}

void qq_message(qq *q)
{
  struct stat st;
  q->now = time(0);
  q->fd = open_pid(q);
  copy(q);
  /* fsynced by qq_commit, with the record: the link below names it in
   * mess/, which commits nothing (only todo's name does) */
  if (!qpath(q->messfn, "mess", q->id)) qq_diex(q, QQ_BUG, "name the message file");
  if (link(q->pidfn, q->messfn) < 0) {
    q->messfn[0] = 0;
    qq_die(q, QQ_MESS, "link the message into queue/mess");
  }
  /* the pid name was ours from open to link: check nobody swapped it */
  if (stat(q->messfn, &st) < 0) qq_die(q, QQ_MESS, "stat the message in queue/mess");
  if ((uint64_t)st.st_ino != q->id) {
    errno = EEXIST;
    qq_die(q, QQ_PID, "keep queue/pid/PID: another process replaced it");
  }
  unlink(q->pidfn);
  q->pidfn[0] = 0;
}
