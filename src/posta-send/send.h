/* send: posta-send's shared types, the context every module is handed.
 *
 * posta-send keeps in memory only what it is working on: the messages with
 * a delivery or a bounce in flight, or being looked at (struct msg, each
 * with its recipients), and for every other message of the queue a 16-byte
 * entry of the index (mheap) or 8 bytes on a waiting list, plus 16 to 32
 * bytes in the set of known ids (idset). No mutable state lives outside a
 * send_ctx, which main() owns. */
#ifndef POSTA_SEND_SEND_H
#define POSTA_SEND_SEND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/domains.h"
#include "posta-send/dest.h"
#include "posta-send/gate.h"
#include "posta-send/idq.h"
#include "posta-send/idset.h"
#include "posta-send/inforec.h"
#include "posta-send/mheap.h"
#include "posta-send/qwalk.h"
#include "posta-send/rcptrec.h"
#include "posta-send/retrysched.h"
#include "posta-send/spawnproto.h"

#define CHAN_LOCAL 0
#define CHAN_REMOTE 1
#define CHAN_N 2

#define CONC_MAX 1000               /* bound on any concurrency setting */
#define BOUNCE_CONCURRENCY 5        /* posta-bounce processes at once */
#define STALE_SECONDS (36 * 3600)   /* orphaned pid, intd, mess files */
#define STOP_WAIT 60                /* SIGTERM: seconds to wait for results */
#define HELD_RECHECK 3600           /* a held message is looked at again */
#define BROKEN_RECHECK 3600         /* an unreadable message is looked at again */

typedef struct msg_s msg;
typedef struct notice_s notice;
typedef struct job_s job;
typedef struct chan_s chan;
typedef struct settings_s settings;
typedef struct cleancl_s cleancl;
typedef struct send_ctx_s send_ctx;

/* One delivery in flight: a spawner slot. */
struct job_s {
  msg *m;
  dest *d;              /* remote: its destination; local: its mailbox */
  uint32_t *ri;         /* the recipients it carries: indices in m->rc[chan] */
  size_t nr;
  uint64_t number;      /* "delivery N" in the log */
  uint64_t started;
};

struct chan_s {
  char const *name;     /* "local", "remote" */
  int fd;               /* the spawner's socket */
  gate g;
  job *jobs;            /* g.limit slots (more after a HUP that lowered it) */
  unsigned njobs;
  unsigned start_limit; /* the concurrency at start: the spawner's slots */
  int full;             /* the socket refused a request: wait for POLLOUT */
};

/* A notice of a message: its failure notice (queue/bounce/N/ID, run as
 * posta-bounce ID) or its delay notice (queue/delay/N/ID, posta-bounce -d
 * ID). */
#define NOTE_FAILURE 0
#define NOTE_DELAY 1
#define NOTE_N 2
struct notice_s {
  int has;              /* its record exists */
  pid_t pid;            /* posta-bounce running for it, else 0 */
  uint64_t due;         /* when posta-bounce may be run again */
};

struct msg_s {
  uint64_t id;
  info inf;
  rcptlist rc[CHAN_N];
  int dirty[CHAN_N];    /* rc[i] changed since it was written */
  unsigned inflight;    /* jobs carrying it */
  size_t nfailed;       /* recipients failed for good, not yet in a bounce record */
  notice nt[NOTE_N];      /* its failure notice and its delay notice */
  uint32_t flags;       /* MHEAP_FORCED */
  int in_flush;
  int staged;           /* message_flush_all: this message's write is in the batch */
  int fast;             /* delivered straight from todo, no records written
                         * yet (message.h: message_spill) */
  msg *next_flush;
  msg *prev, *next;     /* the list of messages in memory */
};

struct settings_s {
  unsigned conc[CHAN_N];
  unsigned concdest;
  unsigned concmailbox;      /* local deliveries in flight to one mailbox */
  retrysched sched;
  uint64_t lifetime;
  uint64_t delaywarning;     /* seconds after arrival; 0: no delay notices */
  domains doms;
  uint64_t doms_sig[3][4];   /* control/me, locals, virtualdomains as read */
};

/* The posta-clean client (doc/protocols.md): requests wait here until the
 * pipe takes them, then until their answer came. */
struct cleancl_s {
  int wfd, rfd;
  char *out;            /* bytes not yet written */
  size_t outlen, outa;
  char in[256];         /* a partial answer line */
  size_t inlen;
  idq sent;             /* ids asked, in order, one per request line */
  idq ops;              /* their operations (CLEAN_OP_...), in the same order */
  idset todo_asked;     /* todo removals asked, not yet answered */
  int eof;
};

struct send_ctx_s {
  settings set;
  chan ch[CHAN_N];
  gate bounce;
  desttab dests;
  desttab boxes;        /* local mailboxes with deliveries in flight (dest.h:
                         * dest_mailbox names them), for concurrencymailbox */
  mheap heap;
  idq ready;
  idset known;
  msg *active;
  size_t nactive;
  msg *flush;
  cleancl cl;
  qwalk todo;           /* todo/: new messages */
  int todo_again;       /* the trigger fired while todo/ was being scanned */
  int cmd_again;        /* queue/cmd/ is to be read (qcmd.h) */
  idset cmd_wait;       /* requests waiting for their message's preprocessing */
  qwalk infoscan;       /* info/ at start: the messages already preprocessed */
  int recover_stage;    /* recover.c's progress through its scans */
  qwalk recov;
  uint64_t recover_next;
  uint64_t now;
  uint64_t deliveries;
  int stopping;
  int exitcode;
  uint64_t stop_by;
  int status_changed;
  int fd_trigger, fd_trigger_w, fd_notify, fd_sig, fd_lock;
  spawnreq req;
  char *rbuf;           /* SPAWN_PACKET_MAX bytes for responses */
  /* how records reach the disk (wbatch.h); the unit tests count the calls */
  int (*put)(char const *path, char const *tmp, char const *data, size_t len, mode_t mode);
  int (*rm)(char const *path);
  int (*syncdir)(char const *dir);
  int logfd;
};

#endif
