/* qq_commit: the todo record and the commit, doc/queue.md's order: the
 * record is written to queue/intd/N/ID; the free space is measured once
 * more (qq_limits.c: control/queueminfree); the message, the record and
 * queue/mess/N (the message's link) are fsynced; intd/N/ID is renamed to
 * queue/todo/N/ID, and queue/todo/N is fsynced. The message is queued from
 * that last fsync on; until then any failure removes every file of this
 * message. Then, and only then, one byte goes to queue/lock/trigger to wake
 * posta-send. The steps are separate functions (qq.h) so that posta-injectd
 * can fsync mess/N and todo/N once for several messages committed together;
 * every failure returns its code with this message's files removed.
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

static int record(qq *q, rec_buf *b)
{
  size_t pos = 0;
  char const *rcpt;
  rec_start(b, "todo", 1);
  rec_addu(b, 'u', (uint64_t)q->ruid);
  rec_addu(b, 'p', (uint64_t)q->pid);
  rec_addu(b, 't', (uint64_t)q->now);
  rec_add(b, 'F', q->env.sender);
  while ((rcpt = envelope_rcpt(&q->env, &pos))) rec_add(b, 'T', rcpt);
  if (rec_finish(b) < 0) return qq_failx(q, QQ_NOMEM, "build the todo record: out of memory");
  return 0;
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

/* Writes the record into *fd: 0 or the code. */
static int write_intd(qq *q, rec_buf const *b, int *fd)
{
  char fn[QPATH_MAX];
  if (!qpath(fn, "intd", q->id)) return qq_failx(q, QQ_BUG, "name the intd file");
  /* O_TRUNC, not O_EXCL: a leftover of a dead run for a freed inode
   * is ours to overwrite. Its mode is todo's: the rename keeps it. */
  *fd = qq_create(q, fn, O_TRUNC);
  if (*fd < 0) return qq_fail(q, QQ_INTD, "create a file in queue/intd");
  snprintf(q->intdfn, sizeof q->intdfn, "%s", fn);
  if (durable_write_all(*fd, b->s, b->len) < 0) return qq_fail(q, QQ_WRITE, "write the todo record");
  return 0;
}

/* The message's and the record's data: durable, or the code. */
static int sync_files(qq *q, int intd)
{
  flush_start(q->fd);
  flush_start(intd);
  if (fsync(q->fd) < 0) return qq_fail(q, QQ_WRITE, "fsync the message");
  int r = close(q->fd);
  q->fd = -1;
  if (r < 0) return qq_fail(q, QQ_WRITE, "write the message");
  if (fsync(intd) < 0) return qq_fail(q, QQ_WRITE, "write the todo record");
  return 0;
}

int qq_commit_write(qq *q)
{
  rec_buf b = REC_BUF_ZERO;
  int intd = -1;
  int r = record(q, &b);
  if (!r) r = write_intd(q, &b, &intd);
  rec_free(&b);
  /* everything written, nothing fsynced yet: is the reserve still free,
   * now that every injection running beside this one has written too? */
  if (!r) r = qq_space(q, intd);
  if (!r) r = sync_files(q, intd);
  if (intd >= 0 && close(intd) < 0 && !r) r = qq_fail(q, QQ_WRITE, "write the todo record");
  return r;
}

int qq_commit_sync_mess(qq *q)
{
  if (durable_fsync_parent(q->messfn) < 0) return qq_fail(q, QQ_MESS, "fsync queue/mess");
  return 0;
}

int qq_commit_rename(qq *q)
{
  if (!qpath(q->todofn, "todo", q->id)) {
    q->todofn[0] = 0;
    return qq_failx(q, QQ_BUG, "name the todo file");
  }
  if (rename(q->intdfn, q->todofn) < 0) {
    q->todofn[0] = 0;
    return qq_fail(q, QQ_TODO, "rename the record into queue/todo");
  }
  q->intdfn[0] = 0;
  return 0;
}

int qq_commit_sync_todo(qq *q)
{
  /* not durable, so not queued: qq_fail takes the todo back first */
  if (durable_fsync_parent(q->todofn) < 0) return qq_fail(q, QQ_TODO, "fsync queue/todo");
  return 0;
}

void qq_commit_done(qq *q)
{
  /* committed: nothing of this message may be removed any more */
  q->todofn[0] = q->messfn[0] = 0;
}

int qq_commit(qq *q)
{
  int r = qq_commit_write(q);
  if (!r) r = qq_commit_sync_mess(q);
  if (!r) r = qq_commit_rename(q);
  if (!r) r = qq_commit_sync_todo(q);
  if (!r) qq_commit_done(q);
  return r;
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
