/* inject_in: local submission's input, line by line: CRLF or LF line ends
 * in, LF out; optionally sendmail's rule that a line holding only "." ends
 * the message (without -i). Lines come in pieces of at most a given size,
 * so nothing here is unbounded. libc read(2) only; never exits. */
#ifndef POSTA_INJECT_IN_H
#define POSTA_INJECT_IN_H

#include <stddef.h>

#include <skalibs/stralloc.h>

#define INJECT_IN_BUF 65536

typedef struct inject_in_s inject_in;
struct inject_in_s {
  int fd;
  int dot;        /* a lone "." line ends the input */
  int eof;        /* the input has ended */
  int bol;        /* the next byte starts a line */
  int cr;         /* a CR held back at the end of the last piece */
  size_t pos;
  size_t len;
  char buf[INJECT_IN_BUF];
};

void inject_in_init(inject_in *, int fd, int dot);
/* Appends the next piece of a line to out: at most max bytes (max >= 2),
 * ending with its LF when *whole is set (or at the end of the input, then
 * without LF). A CR before LF is dropped; any other CR stays. 1 a piece
 * was appended, 0 the input has ended (end of file, or the lone dot), -1
 * a read error (errno). */
int inject_in_line(inject_in *, stralloc *out, size_t max, int *whole);

#endif
