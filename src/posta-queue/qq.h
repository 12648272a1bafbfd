/* qq: the queue's write path, one message at a time: posta-queue's steps,
 * and the library posta-injectd runs for each of its clients' messages.
 *
 * A message and its envelope are committed to the queue as doc/queue.md,
 * "Writing rules", says. Each step of the write path returns 0 or one of
 * qmail-queue's exit codes, after removing every file this message created
 * and recording what failed (q->what, q->err) for the caller to print:
 * nothing partial is ever left in todo/, and nothing of one message (its
 * descriptor, its envelope buffer, its files) outlives qq_release, so a
 * daemon survives one message's failure and carries nothing into the next.
 * Only posta-queue's own setup (qq_hygiene, qq_home) ends the process.
 * Nothing here trusts the caller's environment but POSTA_HOME, and that
 * only for root or the program's owner. */
#ifndef POSTA_QQ_H
#define POSTA_QQ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "common/envelope.h"
#include "common/qpath.h"


/* qmail-queue's exit codes */
#define QQ_OK 0
#define QQ_TOOLONG 11
#define QQ_NOMEM 51
#define QQ_TIMEOUT 52
#define QQ_WRITE 53
#define QQ_READ 54
#define QQ_CONTROL 55
#define QQ_HOME 61
#define QQ_QUEUE 62
#define QQ_PID 63
#define QQ_MESS 64
#define QQ_INTD 65
#define QQ_TODO 66
#define QQ_BUG 81
#define QQ_ENVELOPE 91

/* Who is injecting, for the Received line. */
enum qq_invoked { QQ_INVOKED_LOCAL, QQ_INVOKED_NETWORK, QQ_INVOKED_BOUNCE };

/* The overall limit on one run: qmail-queue's 24 hours. */
#define QQ_ALARM 86400

/* The default of control/maxrcpt, and of control/queueminfree. */
#define QQ_MAXRCPT 1000
#define QQ_MINFREE 10485760ULL

typedef struct qq_s qq;
struct qq_s {
  uid_t ruid;               /* the caller: the todo record's u */
  pid_t pid;
  time_t now;               /* arrival */
  int invoked;              /* enum qq_invoked */
  uid_t quid;               /* owner of queue/ */
  gid_t qgid;               /* its group */
  mode_t fmode;             /* of the files we create: see qq_file.c */
  unsigned long maxrcpt;
  uint64_t minfree;         /* bytes that must stay free: queueminfree, 2 x databytes */
  uint64_t room;            /* bytes the message may take before 53 */
  int fd;                   /* the message file, open until qq_commit fsyncs it */
  uint64_t id;
  uint64_t size;            /* bytes written to the message file */
  char *envbuf;             /* the envelope as read, malloc'd */
  envelope env;             /* parsed, pointing into envbuf */
  unsigned long seq;        /* a daemon's message number: pid/PID.SEQ; 0: pid/PID */
  char pidfn[48];           /* each name is "" until this message created it */
  char messfn[QPATH_MAX];
  char intdfn[QPATH_MAX];
  char todofn[QPATH_MAX];   /* set by qq_commit_rename */
  char const *what;         /* the failure: "VERB OBJECT[: why]" */
  int err;                  /* its errno, 0 when it has none */
};
#define QQ_ZERO { .fd = -1 }

/* qq_fail.c: the one way a step fails. Removes what this message created,
 * records what (and errno, for qq_fail) and returns code; ENOSPC and
 * EDQUOT are always 53, whatever the step. */
int qq_fail(qq *, int code, char const *what);
int qq_failx(qq *, int code, char const *what);
/* Removes this message's files; used by qq_fail. */
void qq_unlink_all(qq *);
/* Everything of one message: its descriptor closed, its envelope freed,
 * its uncommitted files removed; q is ready for the next message (the
 * instance's fields, quid to fmode, are kept). */
void qq_release(qq *);
/* posta-queue's end: "posta-queue: fatal: unable to WHAT[: reason]" and
 * exit code, when code is not 0. */
void qq_exit_if(qq const *, int code);

/* qq_file.c: the mode of the files posta-queue creates (0640 when they get
 * the queue's group, else 0644), and opening one for writing with O_CREAT
 * and flags: the fd, or -1 with errno. */
mode_t qq_file_mode(qq const *);
int qq_create(qq const *, char const *fn, int flags);

/* qq_setup.c: descriptors, signals, umask, the alarm. */
void qq_hygiene(void);
/* qq_home.c: finds the instance, changes to it, checks the queue's owner,
 * leaves root for the queue's owner, decides who is injecting. */
void qq_home(qq *);
/* Who a caller of uid is, for the Received line: enum qq_invoked. */
int qq_invoked_as(uid_t);
/* The instance a program at exe is installed in: exe minus "/bin/NAME".
 * 0 and home (size bytes), or -1 when exe has no such form. */
int qq_home_from_exe(char const *exe, char *home, size_t size);
/* qq_limits.c: control/maxrcpt, the free-space rule: 0, 53 or 55. */
int qq_limits(qq *);
/* The reserve: minfree, at least twice databytes. */
uint64_t qq_minfree(uint64_t minfree, uint64_t databytes);
/* The bytes a message may take: free - reserve, 0 when free < reserve. */
uint64_t qq_room(uint64_t avail, uint64_t minfree, uint64_t databytes);
/* Measures the file system of fd (a file of the queue) now, with what
 * every run has written so far: 0, or 53 (files removed) when less than
 * the reserve is free. */
int qq_space(qq *, int fd);
/* Bytes of message between two qq_space calls while it is written. */
#define QQ_RECHECK (1U << 20)
/* qq_received.c: the Received line, LF-terminated, its date in UTC
 * (sk/date822.h); returns its length or 0 when size is too small. */
size_t qq_received(char *buf, size_t size, pid_t pid, int invoked, uid_t uid, time_t when);
/* qq_message.c: the message file. qq_message_begin takes the arrival time
 * and creates the pid file; qq_message_put appends bytes (the Received
 * line first); qq_message_end links it to mess. The file stays open (q->fd)
 * for qq_commit's fsync. Each returns 0 or the exit code. */
int qq_message_begin(qq *);
int qq_message_put(qq *, char const *, size_t);
int qq_message_end(qq *);
/* posta-queue's whole message: begin, Received line and fd 0, end. */
int qq_message(qq *);
/* qq_envelope.c: checks the envelope buf (len bytes, malloc'd: q owns it
 * from now on, whatever the result); capped is 1 when the input was cut at
 * qq_envelope_cap bytes, 0 when it ended there (an envelope without its
 * final NUL is then 54, cut short, rather than 91). */
int qq_envelope_parse(qq *, char *buf, size_t len, int capped);
/* posta-queue: reads and checks the envelope on fd 1. */
int qq_envelope(qq *);
/* The largest envelope q accepts, plus one byte. */
size_t qq_envelope_cap(qq const *);
/* qq_commit.c: the commit, in steps so that a daemon can share the folder
 * fsyncs of several messages. qq_commit_write: the todo record into intd,
 * the last free-space check, the fsyncs of both files. Then mess/N must be
 * fsynced (qq_commit_sync_mess, or the caller once for several messages),
 * then qq_commit_rename (intd to todo), then todo/N fsynced
 * (qq_commit_sync_todo, or the caller), then qq_commit_done: queued.
 * qq_commit runs them all, for one message. */
int qq_commit_write(qq *);
int qq_commit_sync_mess(qq *);
int qq_commit_rename(qq *);
int qq_commit_sync_todo(qq *);
void qq_commit_done(qq *);
int qq_commit(qq *);
void qq_trigger(void);

#endif
