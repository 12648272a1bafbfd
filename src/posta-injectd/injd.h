/* injd: posta-injectd's state, shared by the files of src/posta-injectd.
 *
 * One process, one thread, one poll loop: every client is a connection on
 * DIR/injectd/socket whose message is written into the queue as it arrives
 * (posta-queue's write path, src/posta-queue/qq.h, one qq per client), and
 * whose envelope, once whole, makes it ready. At the end of each turn of the
 * loop the ready messages are committed together (injd_batch.c): each its
 * own file fsyncs, but one fsync per folder of mess and todo for all of
 * them. Each client gets one byte, qmail-queue's exit code, only after its
 * commit is durable, and is closed. */
#ifndef POSTA_INJD_H
#define POSTA_INJD_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "posta-injectd/injd_proto.h"
#include "posta-queue/qq.h"

#define INJD_SOCKET "injectd/socket"
#define INJD_MAXCLIENTS 512
#define INJD_ALLOWED 3
/* the default of control/injecttimeout, seconds */
#define INJD_TIMEOUT 3600

enum injd_cstate { INJD_FREE, INJD_READING, INJD_READY };

typedef struct injd_client_s injd_client;
struct injd_client_s {
  int state;              /* enum injd_cstate */
  int fd;
  struct timespec deadline;
  injp p;
  qq q;
  char *env;              /* the envelope as it comes */
  size_t envlen;
};

typedef struct injd_s injd;
struct injd_s {
  int lfd;                /* the listening socket */
  int sigfd;              /* signalfd: TERM, INT, HUP */
  pid_t pid;
  uid_t quid;
  gid_t qgid;
  mode_t fmode;
  uid_t allowed[INJD_ALLOWED];
  unsigned nallowed;
  unsigned timeout;       /* control/injecttimeout */
  unsigned long seq;      /* messages begun */
  unsigned nclients;
  injd_client c[INJD_MAXCLIENTS];
};

/* injd_setup.c: the instance (DIR from POSTA_HOME or conf-home, queue's
 * owner, leaving root for it), the uids allowed, the socket, signals. Ends
 * the process on failure (111). */
void injd_setup(injd *);
/* control/injecttimeout, again (SIGHUP). */
void injd_settings(injd *);
/* injd_client.c: accepts every waiting connection. */
void injd_accept(injd *);
/* Reads what c's client sent and feeds it to the write path. */
void injd_read(injd *, injd_client *);
/* Sends c's client its code, releases its message, closes it. */
void injd_finish(injd *, injd_client *, int code);
/* Ends clients past their deadline (52); the milliseconds until the next
 * deadline, -1 when none. */
int injd_expire(injd *);
/* injd_batch.c: commits every READY client's message together. */
void injd_commit(injd *);

#endif
