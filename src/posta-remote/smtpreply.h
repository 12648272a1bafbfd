/* smtpreply: parse one SMTP reply (RFC 5321 4.2), strictly and in bounded
 * memory, whatever the server sends.
 *
 * A reply is lines "NNN-text" ending with a line "NNN text" or "NNN"; the
 * first digit is 2 to 5. A line ends at LF; a CR before it is dropped. The
 * reply's code is its last line's (a server that changes codes within a
 * reply is believed on the last line, as the one that ends it). A line that
 * is not of that form, a reply over SMTPREPLY_TOTAL_MAX bytes, or more than
 * SMTPREPLY_LINES_MAX lines is a protocol error. A line may be longer than
 * SMTPREPLY_LINE_MAX: its excess is read and dropped, never stored.
 *
 * The text kept, for results and logs, is the reply's lines as sent (codes
 * included) joined by one space, with NUL and CR removed, other control
 * characters and bytes over 126 turned into spaces or '?', at most
 * SMTPREPLY_TEXT_MAX bytes. Each line's text after its code goes to an
 * optional callback (EHLO's keywords), cut at SMTPREPLY_LINE_MAX.
 *
 * Pure: feed it bytes, it never reads, never allocates, never exits. */
#ifndef POSTA_SMTPREPLY_H
#define POSTA_SMTPREPLY_H

#include <stddef.h>

#define SMTPREPLY_TEXT_MAX 1000
#define SMTPREPLY_LINE_MAX 512
#define SMTPREPLY_TOTAL_MAX 65536
#define SMTPREPLY_LINES_MAX 200

typedef void smtpreply_line_func(void *ctx, char const *text, size_t len);

typedef struct smtpreply_s smtpreply;
struct smtpreply_s {
  unsigned int code;                      /* the reply's code, once complete */
  char text[SMTPREPLY_TEXT_MAX + 1];      /* NUL-terminated */
  size_t len;
  unsigned int lines;
  /* parser state */
  char line[SMTPREPLY_LINE_MAX + 1];
  size_t linelen;       /* bytes stored in line */
  size_t linetotal;     /* bytes of the line seen, stored or not */
  size_t total;
  smtpreply_line_func *online;
  void *ctx;
};

void smtpreply_start(smtpreply *, smtpreply_line_func *online, void *ctx);
/* Consumes bytes of s[0..n) until the reply ends; *used gets how many.
 * 1: complete (r->code, r->text); 0: all used, more needed; -1: protocol
 * error, errno EPROTO. */
int smtpreply_feed(smtpreply *, char const *s, size_t n, size_t *used);

#endif
