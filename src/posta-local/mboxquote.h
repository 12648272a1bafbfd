/* mboxquote: the mbox ">From " quoting (mboxrd), over a stream.
 *
 * Every line that matches ^>*From  gets one more '>' in front, so a reader
 * can undo it exactly. Because a run of '>' is the same whichever end gets
 * the new one, the quoter emits each '>' at once and adds the new one just
 * before "From ": it needs to hold back at most the 4 bytes of a partial
 * "From". Pure: no I/O, never allocates. */
#ifndef POSTA_MBOXQUOTE_H
#define POSTA_MBOXQUOTE_H

#include <stddef.h>

typedef struct mboxquote_s mboxquote;
struct mboxquote_s {
  int bol;        /* at the start of a line, maybe after '>'s */
  unsigned m;     /* bytes of "From " matched and held back */
  char last;      /* last byte emitted, 0 before any */
};
#define MBOXQUOTE_ZERO { 1, 0, 0 }

/* Quotes n bytes of in into out, which must hold 2 * n + 8 bytes; returns
 * the number of bytes written. */
size_t mboxquote_feed(mboxquote *, char const *in, size_t n, char *out);
/* At end of message: flushes what was held back and ends the message with
 * LF and the empty line that separates mbox messages. out holds 8 bytes. */
size_t mboxquote_end(mboxquote *, char *out);

#endif
