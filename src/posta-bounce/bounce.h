/* bounce: posta-bounce's state and steps, shared by the files of
 * src/posta-bounce.
 *
 * posta-bounce ID sends the failure notice of queue/bounce/N/ID, and
 * posta-bounce -d ID the delay notice of queue/delay/N/ID (doc/queue.md,
 * doc/posta-bounce.8). The steps: lock the record, read it (and the info
 * record, the message), decide who gets the notice, compose it
 * (src/common/dsn.c), inject it through bin/posta-queue, remove the record.
 * Each step either succeeds or ends the process with 0 (nothing to do),
 * 100 (the record is unusable) or 111 (try again later); the record is
 * removed only after posta-queue exited 0. */
#ifndef POSTA_BOUNCE_H
#define POSTA_BOUNCE_H

#include <stddef.h>
#include <stdint.h>

#include "common/dsn.h"
#include "common/qpath.h"

#define BOUNCE_REC_MAX (64u << 20)   /* the largest record read */
#define BOUNCE_ADDR_MAX 1024         /* an address, built from control files */
#define BOUNCE_LIFETIME 432000       /* control/queuelifetime's default */
#define BOUNCE_HEADERS_MIN 65536       /* read at least this much of the original */

typedef struct bounce_s bounce;
struct bounce_s {
  int kind;                  /* DSN_FAILED or DSN_DELAYED */
  char const *rkind;         /* "bounce" or "delay": folder and record kind */
  uint64_t id;
  char path[QPATH_MAX];      /* the record */
  int fd;                    /* the record, open and locked */
  char *rec;                 /* its bytes */
  size_t reclen;
  char *info;                /* the info record's bytes, when read */
  char const *sender;        /* the original envelope sender, "" for <> */
  int64_t arrival;
  dsn_rcpt *rcpt;            /* the failed or delayed recipients */
  size_t nrcpt;
  size_t ndropped;           /* recipients left out (double bounces) */
  char *msg;                 /* the original's first bytes, 0 when gone */
  size_t msglen;
  uint64_t msgsize;
  char const *home;          /* the instance, absolute */
  /* settings */
  char me[256];
  char from[BOUNCE_ADDR_MAX];
  char dblto[BOUNCE_ADDR_MAX];   /* "" when double bounces are discarded */
  unsigned long lifetime;
  unsigned long limit;
  /* the notice */
  char const *to;
  int dbl;
};

/* bounce_record.c: opens, locks and reads the record. Returns 0 when the
 * record is gone (another run finished it: nothing to do), 1 when it is
 * locked and read into b; ends the process on failure. */
int bounce_record_load(bounce *b);
/* Removes the record after the notice was queued, unless it is no longer
 * the file we locked. Ends the process on failure. */
void bounce_record_remove(bounce *b);

/* bounce_read.c: the record's fields (and the info record's, for what the
 * record lacks) into b. 0; else, after the fatal log line, the exit code:
 * 100 when they are unusable, 111 when they cannot be read. */
int bounce_parse(bounce *b);
/* The original message's first bytes (at least BOUNCE_HEADERS_MIN, else
 * the limit); b->msg stays 0 when it is gone. */
void bounce_message(bounce *b);

/* bounce_target.c: reads the settings, then decides who gets the notice.
 * Returns 1 when there is one to send, 0 when it is dropped (logged). */
void bounce_settings(bounce *b);
int bounce_target(bounce *b);

/* bounce_inject.c: queues msg for one recipient with the null sender
 * through bin/posta-queue. Returns posta-queue's exit code, or ends the
 * process with 111 when it cannot be run. */
int bounce_inject(bounce const *b, char const *msg, size_t len);

/* bounce_run.c: every step, in order. Returns posta-bounce's exit code. */
int bounce_run(bounce *b);

/* room for an address in a log line, escaped by esc_dots(ESC_ADDR) as
 * posta-send's log escapes one (doc/log-format.md) */
#define BOUNCE_LOGADDR_MAX 4200

#endif
