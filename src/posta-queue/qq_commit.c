/* qq_commit: the todo record and the commit, doc/queue.md's order: the
 * record is written to queue/intd/N/ID; the free space is measured once
 * more (qq_limits.c: control/queueminfree); the message, the record and
 * queue/mess/N (the message's link) are fsynced; intd/N/ID is renamed to
 * queue/todo/N/ID, and queue/todo/N is fsynced. The message is queued from
 * that last fsync on; until then any failure removes every file of this
 * run. Then, and only then, one byte goes to queue/lock/trigger to wake
 * posta-send.
 * The three fsyncs before the rename come after all the writes and names
 * they cover, with the write-back of both files started first, so that the
 * file system can commit them together (on ext4 one journal commit where
 * each fsync in turn would make its own): make bench counted the same 4
 * fsyncs per injection, in less time. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/durable.h"
#include "common/rec.h"
#include "posta-queue/qq.h"

static void record(qq *q, rec_buf *b)
{
  size_t pos = 0;
  char const *rcpt;
  rec_start(b, "todo", 1);
  rec_addu(b, 'u', (uint64_t)q->ruid);
  rec_addu(b, 'p', (uint64_t)q->pid);
  rec_addu(b, 't', (uint64_t)q->now);
  rec_add(b, 'F', q->env.sender);
  while ((rcpt = envelope_rcpt(&q->env, &pos))) rec_add(b, 'T', rcpt);
  if (rec_finish(b) < 0) qq_diex(q, QQ_NOMEM, "build the todo record: out of memory");
}

/* Starts the write-back of fd's data without waiting (a hint). */
static void flush_start(int fd)
{
#ifdef SYNC_FILE_RANGE_WRITE
  (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
  (void)fd;
#endif
}

/* Writes the record; returns its descriptor, for the fsync. */
static int write_intd(qq *q, rec_buf const *b)
{
  char fn[QPATH_MAX];
  if (!qpath(fn, "intd", q->id)) qq_diex(q, QQ_BUG, "name the intd file");
  /* O_TRUNC, not O_EXCL: a leftover of a dead run for a freed inode
   * is ours to overwrite. Its mode is todo's: the rename keeps it. */
  int fd = qq_create(q, fn, O_TRUNC);
  if (fd < 0) qq_die(q, QQ_INTD, "create a file in queue/intd");
  snprintf(q->intdfn, sizeof q->intdfn, "%s", fn);
  if (durable_write_all(fd, b->s, b->len) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    qq_die(q, QQ_WRITE, "write the todo record");
  }
  return fd;
}

/* The message's and the record's data, then mess/N: durable, or death. */
static void sync_all(qq *q, int intd)
{
  flush_start(q->fd);
  flush_start(intd);
  if (fsync(q->fd) < 0) { close(intd); qq_die(q, QQ_WRITE, "fsync the message"); }
  if (close(q->fd) < 0) { q->fd = -1; close(intd); qq_die(q, QQ_WRITE, "write the message"); }
  q->fd = -1;
  if (fsync(intd) < 0) { close(intd); qq_die(q, QQ_WRITE, "write the todo record"); }
  if (close(intd) < 0) qq_die(q, QQ_WRITE, "write the todo record");
  if (durable_fsync_parent(q->messfn) < 0) qq_die(q, QQ_MESS, "fsync queue/mess");
}

void qq_commit(qq *q)
{
  char todofn[QPATH_MAX];
  rec_buf b = REC_BUF_ZERO;
  record(q, &b);
  int intd = write_intd(q, &b);
  rec_free(&b);
  /* everything written, nothing fsynced yet: is the reserve still free,
   * now that every injection running beside this one has written too? */
  qq_space(q, intd);
  sync_all(q, intd);
  if (!qpath(todofn, "todo", q->id)) qq_diex(q, QQ_BUG, "name the todo file");
  if (rename(q->intdfn, todofn) < 0) qq_die(q, QQ_TODO, "rename the record into queue/todo");
  q->intdfn[0] = 0;
  if (durable_fsync_parent(todofn) < 0) {
    /* not durable, so not queued: take it back before saying so */
    int e = errno;
    unlink(todofn);
    errno = e;
    qq_die(q, QQ_TODO, "fsync queue/todo");
  }
  /* committed: nothing of this run may be removed any more */
  q->messfn[0] = 0;
}

void qq_trigger(void)
{
  struct stat st;
  int fd = open("queue/lock/trigger", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return;
  /* ENXIO (nobody listens) and EAGAIN (already full) are both fine */
  if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
    ssize_t r = write(fd, "", 1);
    (void)r;
  }
  close(fd);
}
