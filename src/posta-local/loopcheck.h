/* loopcheck: has this message been here before, or travelled too far?
 *
 * Scans the header section (up to the first empty line) for a
 * Delivered-To line equal to ours (without case; trailing blanks ignored)
 * and counts the Received and Delivered-To lines. Fed in pieces of any
 * size, so a header of any length is read in bounded memory. Pure: no I/O,
 * never allocates. */
#ifndef POSTA_LOOPCHECK_H
#define POSTA_LOOPCHECK_H

#include <stddef.h>

#define LOOPCHECK_HOPS_MAX 100
#define LOOPCHECK_LINE 1100    /* longer lines cannot be our Delivered-To */

typedef struct loopcheck_s loopcheck;
struct loopcheck_s {
  char const *dt;        /* our Delivered-To line, without its LF */
  size_t dtlen;
  char line[LOOPCHECK_LINE];
  size_t len;            /* bytes of the current line kept */
  size_t full;           /* bytes of the current line seen */
  unsigned hops;
  int mine;              /* our Delivered-To line was found */
  int done;              /* the header section ended */
};

void loopcheck_start(loopcheck *, char const *dtline, size_t len);
/* Feeds n more bytes of the message; 1 once the header section ended
 * (further bytes are ignored), else 0. */
int loopcheck_feed(loopcheck *, char const *s, size_t n);
/* Ends the scan at end of message (a header without a body). */
void loopcheck_end(loopcheck *);

#endif
