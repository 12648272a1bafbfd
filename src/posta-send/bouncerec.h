/* bouncerec: the bounce record queue/bounce/N/ID (doc/queue.md).
 *
 * What posta-bounce needs to tell the sender: the envelope sender, the
 * arrival time, the kind of notice, and for each failed recipient its
 * address and the RESULT line that failed it. posta-send appends failures
 * to it (rewriting it whole, durably) before it marks them B; posta-bounce
 * reads it; posta-send removes it once posta-bounce exited 0.
 * libc only; returns 0 or -1 with errno. */
#ifndef POSTA_SEND_BOUNCEREC_H
#define POSTA_SEND_BOUNCEREC_H

#include <stddef.h>
#include <stdint.h>

#include "common/rec.h"
#include "posta-send/rcptrec.h"

#define BOUNCEREC_KIND "bounce"
#define BOUNCEREC_VERSION 1
#define BOUNCE_FAILURE 'f'     /* the failure notice (RFC 3464) */

typedef struct bouncerec_s bouncerec;
struct bouncerec_s {
  char *sender;
  uint64_t t;
  char kind;
  rcptlist failed;      /* addr and e only */
};
#define BOUNCEREC_ZERO { 0, 0, BOUNCE_FAILURE, RCPTLIST_ZERO }

int bouncerec_parse(bouncerec *b, char const *buf, size_t len);
int bouncerec_build(rec_buf *out, bouncerec const *b);
void bouncerec_free(bouncerec *b);

#endif
