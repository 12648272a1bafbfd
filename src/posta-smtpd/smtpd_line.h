/* smtpd_line: cuts the client's input into command lines.
 *
 * Only CRLF ends a line. A line longer than SMTPD_LINE_MAX octets (CRLF
 * included, RFC 5321 4.5.3.1.4) is reported once, when it crosses the
 * limit, and the rest of it is skipped up to its CRLF: nothing is kept
 * beyond the fixed buffer. A bare CR or a bare LF anywhere is reported at
 * once: the session must end. A NUL is remembered and the line delivered
 * with its flag set. Pure state machine over bytes: no I/O, no allocation. */
#ifndef POSTA_SMTPD_LINE_H
#define POSTA_SMTPD_LINE_H

#include <stddef.h>

#define SMTPD_LINE_MAX 512

#define LINE_MORE 0      /* all input consumed, the line is not finished */
#define LINE_DONE 1      /* a line: s[0..len), NUL-terminated, CRLF removed */
#define LINE_TOOLONG 2   /* the line just crossed the limit; keep feeding */
#define LINE_BARE 3      /* a bare CR or LF: stop */

typedef struct smtpd_line_s smtpd_line;
struct smtpd_line_s {
  char s[SMTPD_LINE_MAX];
  size_t len;        /* octets kept, CRLF excluded */
  size_t total;      /* octets seen in this line, CRLF included */
  int cr;            /* the previous octet was CR */
  int toolong;       /* this line crossed the limit: skip it */
  int nul;           /* this line holds a NUL */
  int done;          /* the line is complete: the next feed starts another */
};

void smtpd_line_reset(smtpd_line *);
/* Consumes buf[0..n) up to the end of one line or one event; *used gets the
 * octets consumed. After LINE_DONE the line stays in s until the next feed,
 * which starts a new one. */
int smtpd_line_feed(smtpd_line *, char const *buf, size_t n, size_t *used);

#endif
