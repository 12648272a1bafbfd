/* rspawn: posta-rspawn's state and its parts.
 *
 * A slot is one delivery in flight: the posta-remote child, the read end of
 * its stdout and what it printed so far. A slot is done when its child has
 * exited and its output reached end of file; its response then goes to the
 * queue of answers, sent as fd 1 takes them (never blocking on posta-send).
 * Nothing here exits; posta-rspawn.c decides. */
#ifndef POSTA_RSPAWN_H
#define POSTA_RSPAWN_H

#include <stddef.h>
#include <sys/types.h>

#include "posta-rspawn/rspawn_req.h"

#define RSPAWN_CONCURRENCY 20
#define RSPAWN_CONCURRENCY_MAX 1000
#define RSPAWN_PROG "/bin/posta-remote"

typedef struct rspawn_slot_s rspawn_slot;
struct rspawn_slot_s {
  pid_t pid;            /* 0: the slot is free */
  int out;              /* posta-remote's stdout, -1 once at its end */
  int status;           /* wait status, once reaped */
  int reaped;
  unsigned int n;       /* recipients */
  char id[16];          /* the message id, for logs */
  char *buf;            /* what posta-remote printed, at most cap bytes */
  size_t len, cap;
};

typedef struct rspawn_answer_s rspawn_answer;
struct rspawn_answer_s {
  rspawn_answer *next;
  size_t len;
  char data[];
};

typedef struct rspawn_s rspawn;
struct rspawn_s {
  rspawn_slot slot[RSPAWN_CONCURRENCY_MAX];
  unsigned int concurrency;
  unsigned int running;
  int eof;                   /* no more requests will be read */
  int lost;                  /* an answer could not be delivered */
  rspawn_answer *head, *tail;
  char prog[4096];           /* posta-remote's path */
  char *req;                 /* room for one request packet */
};

/* rspawn_conf.c: reads control/concurrencyremote (default 20, at most
 * RSPAWN_CONCURRENCY_MAX). 0, or -1 with errno. */
int rspawn_conf_concurrency(unsigned int *);

/* rspawn_slots.c */
/* Starts a delivery for req with the message descriptor msgfd (closed in any
 * case). A delivery that cannot start is answered Z at once. */
void rspawn_start(rspawn *, rspawn_req const *, int msgfd);
/* Answers Z to each recipient of a refused request. */
void rspawn_refuse(rspawn *, rspawn_req const *, char const *why);
/* Reads what slot i's child printed; closes at end of file. */
void rspawn_read_output(rspawn *, unsigned int i);
/* Reaps every child that exited. */
void rspawn_reap(rspawn *);
/* Answers and frees every slot that is done. */
void rspawn_finish(rspawn *);

/* rspawn_io.c */
/* Reads the requests waiting on fd 0 and starts them; sets eof. */
void rspawn_requests(rspawn *);
/* Queues an answer packet; 0 or -1 (ENOMEM). */
int rspawn_answer_queue(rspawn *, char const *data, size_t len);
/* Sends queued answers on fd 1 until it would block. */
void rspawn_answers_send(rspawn *);

/* rspawn_loop.c: runs until end of requests, no child and no answer left.
 * Returns the exit code: 0, or 111 when answers were lost. */
int rspawn_loop(rspawn *);

#endif
