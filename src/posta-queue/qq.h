/* qq: posta-queue's state and steps, shared by the files of src/posta-queue.
 *
 * posta-queue reads a message on fd 0 and an envelope on fd 1 and commits
 * both to the queue (doc/queue.md, "Writing rules"). Each step either
 * succeeds or ends the process through qq_die with one of qmail-queue's exit
 * codes, after removing every file this run created: nothing partial is ever
 * left in todo/. Nothing here trusts the caller's environment but
 * POSTA_HOME, and that only for root or the program's owner. */
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
  char pidfn[32];           /* each name is "" until this run created it */
  char messfn[QPATH_MAX];
  char intdfn[QPATH_MAX];
};
#define QQ_ZERO { .fd = -1 }

/* qq_die.c: removes what this run created, prints
 * "posta-queue: fatal: unable to WHAT[: reason]" and exits with code.
 * ENOSPC and EDQUOT always exit 53, whatever the step. */
void qq_die(qq *, int code, char const *what) __attribute__((noreturn));
void qq_diex(qq *, int code, char const *what) __attribute__((noreturn));
/* Removes this run's files; used by qq_die, callable before any exit. */
void qq_unlink_all(qq *);

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
/* The instance a program at exe is installed in: exe minus "/bin/NAME".
 * 0 and home (size bytes), or -1 when exe has no such form. */
int qq_home_from_exe(char const *exe, char *home, size_t size);
/* qq_limits.c: control/maxrcpt, the free-space rule. */
void qq_limits(qq *);
/* The reserve: minfree, at least twice databytes. */
uint64_t qq_minfree(uint64_t minfree, uint64_t databytes);
/* The bytes a message may take: free - reserve, 0 when free < reserve. */
uint64_t qq_room(uint64_t avail, uint64_t minfree, uint64_t databytes);
/* Measures the file system of fd (a file of the queue) now, with what
 * every run has written so far: dies (53, files removed) when less than
 * the reserve is free. */
void qq_space(qq *, int fd);
/* Bytes of message between two qq_space calls while it is written. */
#define QQ_RECHECK (1U << 20)
/* qq_received.c: the Received line, LF-terminated, its date in UTC
 * (sk/date822.h); returns its length or 0 when size is too small. */
size_t qq_received(char *buf, size_t size, pid_t pid, int invoked, uid_t uid, time_t when);
/* qq_message.c: pid file, Received line, copy of fd 0, link to mess; the
 * file stays open (q->fd) for qq_commit's fsync. */
void qq_message(qq *);
/* qq_envelope.c: reads and checks the envelope on fd 1. */
void qq_envelope(qq *);
/* qq_commit.c: the todo record into intd, the fsyncs, the rename; then the
 * trigger byte. */
void qq_commit(qq *);
void qq_trigger(void);

#endif
