/* lspawn: posta-lspawn's state, the slots of the deliveries in flight and
 * the virtual-mailbox workers.
 *
 * One slot per delivery posta-send asked for (its SLOT number): either the
 * worker that has it (with the message and the request, kept for a forked
 * child should the worker decline), or the pid of the child that becomes
 * posta-local, the pipe its stdout goes to, and what it wrote (at most
 * LSPAWN_OUT_MAX bytes kept). One entry per worker (pool.c): its pid, its
 * socket, the slot it serves, how many hand-offs it served. And queue/mess.
 * Built by main, passed to every function; nothing here is global. */
#ifndef POSTA_LSPAWN_H
#define POSTA_LSPAWN_H

#include <stddef.h>
#include <sys/types.h>

#include <stdint.h>

#include "posta-lspawn/messfile.h"
#include "posta-lspawn/request.h"

#define LSPAWN_SLOTS_MAX 1000
#define LSPAWN_SLOTS_DEFAULT 10
#define LSPAWN_OUT_MAX 1000
#define LSPAWN_DEFAULTDELIVERY_MAX 16384
#define LSPAWN_WORKERS_MAX 64       /* workers: concurrencylocal, at most this */
#define LSPAWN_MAXUSE_DEFAULT 100   /* control/localmaxuse: hand-offs per worker */

typedef struct lspawn_slot_s lspawn_slot;
struct lspawn_slot_s {
  pid_t pid;              /* the child; 0 none (free, or a worker's) */
  int worker;             /* the worker that has it, -1 none */
  int msg;                /* the message while a worker has it, else -1 */
  size_t reqlen;          /* the request, while a worker has it */
  char req[REQUEST_MAX];
  int fd;                 /* read end of posta-local's stdout, -1 closed */
  size_t len;
  char out[LSPAWN_OUT_MAX];
};

typedef struct lspawn_worker_s lspawn_worker;
struct lspawn_worker_s {
  pid_t pid;              /* 0: none running */
  int fd;                 /* posta-lspawn's end of the socketpair, -1 closed */
  int slot;               /* the delivery it serves, -1 idle */
  int phase;              /* 1 asked (the request), 2 delivering (the message sent) */
  unsigned used;          /* hand-offs served */
  uint64_t due;           /* when none runs: when to start one (ms, monotonic) */
};

typedef struct lspawn_s lspawn;
struct lspawn_s {
  char const *home;       /* the instance, absolute */
  lspawn_slot *slot;
  unsigned n;             /* number of slots: control/concurrencylocal */
  unsigned running;
  int eof;                /* no more requests will come */
  int sigfd;              /* the selfpipe */
  messdir mess;           /* queue/mess: where each message is opened */
  lspawn_worker *w;       /* the workers (pool.c) */
  unsigned nw;            /* how many: 0 when every delivery forks */
  unsigned maxuse;        /* control/localmaxuse */
  uid_t vuid;             /* posta-v: the workers' uid and gid */
  gid_t vgid;
};

/* Serves requests on fd 0 and answers on fd 1 until end of file and the
 * last delivery answered. Returns 0; dies 111 only when the event loop
 * itself fails. */
int lspawn_loop(lspawn *);
/* loop.c, for pool.c: sends a response packet to posta-send; forks the
 * child that delivers the request of slot i (its message s->msg, then
 * closed) and answers a failure to fork. */
void lspawn_answer(lspawn *, char const *s, size_t len);
void lspawn_fork(lspawn *, unsigned i);
/* the monotonic clock in milliseconds */
uint64_t lspawn_now(void);

/* pool.c: the workers. pool_start forks every worker whose time has come
 * and says whether one still waits (then call it again within a second);
 * pool_hand gives slot i to an idle worker: 0, or -1 when none took it;
 * pool_event reads what worker k sent; pool_reaped ends worker pid's
 * run (status its wait status): 1 when it was a worker. */
int pool_start(lspawn *);
int pool_hand(lspawn *, unsigned i);
void pool_event(lspawn *, unsigned k);
int pool_reaped(lspawn *, pid_t pid, int status);

#endif
