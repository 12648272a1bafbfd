/* rcptrec: the recipients records queue/local/N/ID and queue/remote/N/ID.
 *
 * On disk (doc/queue.md, "rcpt" version 1): for each recipient the fields
 * A (address), S (state P, D or B), n (attempts), w (next attempt), e (the
 * last result line), in that order. In memory a recipient also says whether
 * a delivery of it is in flight and whether it failed for good and waits for
 * its bounce record (it is written B only once that record is durable).
 * libc only; functions return 0, or -1 with errno, and never exit. */
#ifndef POSTA_SEND_RCPTREC_H
#define POSTA_SEND_RCPTREC_H

#include <stddef.h>
#include <stdint.h>

#include "common/rec.h"

#define RCPTREC_KIND "rcpt"
#define RCPTREC_VERSION 1
#define RCPT_PENDING 'P'
#define RCPT_DONE 'D'
#define RCPT_BOUNCED 'B'

typedef struct rcpt_s rcpt;
struct rcpt_s {
  char *addr;
  char *e;              /* last result line, "" before the first attempt */
  uint64_t w;           /* earliest next attempt, 0 at once */
  uint32_t n;           /* attempts made */
  char state;           /* RCPT_PENDING, RCPT_DONE, RCPT_BOUNCED */
  unsigned char busy;   /* in memory: a delivery is in flight */
  unsigned char failed; /* in memory: failed for good, not yet in a bounce record */
};

typedef struct rcptlist_s rcptlist;
struct rcptlist_s {
  rcpt *v;
  size_t n;
  size_t a;
};
#define RCPTLIST_ZERO { 0, 0, 0 }

int rcptrec_add(rcptlist *, char const *addr, char state, uint32_t n, uint64_t w, char const *e);
/* Replaces a recipient's result line (copied). */
int rcptrec_set_result(rcpt *, char const *line);
void rcptrec_free(rcptlist *);
/* Pending recipients (state P, failed or not). */
size_t rcptrec_pending(rcptlist const *);
/* Parses a whole record file (replacing *l): 0, or -1 with errno EPROTO
 * (not a well-formed rcpt record), ENOTSUP (other version) or ENOMEM. */
int rcptrec_parse(rcptlist *l, char const *buf, size_t len);
/* Builds the record of l into b (rec_finish done): 0 or -1 (ENOMEM). */
int rcptrec_build(rec_buf *b, rcptlist const *l);

#endif
