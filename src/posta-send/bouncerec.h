/* bouncerec: the bounce record queue/bounce/N/ID and the delay record
 * queue/delay/N/ID (doc/queue.md).
 *
 * What posta-bounce needs to tell the sender: the envelope sender, the
 * arrival time, the kind of notice, and for each failed (or, in a delay
 * record, pending) recipient its address and its last RESULT line.
 * posta-send appends failures to the bounce record (rewriting it whole,
 * durably) before it marks them B, and writes a delay record once;
 * posta-bounce reads them; posta-send removes them once posta-bounce
 * exited 0. A delay record is a bounce record with k d and the header
 * kind "delay".
 * libc only; returns 0 or -1 with errno. */
#ifndef POSTA_SEND_BOUNCEREC_H
#define POSTA_SEND_BOUNCEREC_H

#include <stddef.h>
#include <stdint.h>

#include "common/rec.h"
#include "posta-send/rcptrec.h"

#define BOUNCEREC_KIND "bounce"
#define DELAYREC_KIND "delay"
#define BOUNCEREC_VERSION 1
#define BOUNCE_FAILURE 'f'     /* the failure notice (RFC 3464 "failed") */
#define BOUNCE_DELAY 'd'       /* the delay notice (RFC 3464 "delayed") */

typedef struct bouncerec_s bouncerec;
struct bouncerec_s {
  char *sender;
  uint64_t t;
  char kind;
  rcptlist failed;      /* addr and e only */
};
#define BOUNCEREC_ZERO { 0, 0, BOUNCE_FAILURE, RCPTLIST_ZERO }

/* Parses a bounce record (header kind "bounce"): 0, or -1 with errno
 * EPROTO or ENOMEM. */
int bouncerec_parse(bouncerec *b, char const *buf, size_t len);
/* Builds a bounce record, or a delay record when b->kind is BOUNCE_DELAY. */
int bouncerec_build(rec_buf *out, bouncerec const *b);
void bouncerec_free(bouncerec *b);

#endif
