/* smtpd_data: the DATA state machine (RFC 5321 4.1.1.4, 4.5.2).
 *
 * Fed the client's bytes after 354, it writes the message with LF line ends
 * and dot-stuffing undone, and finds the end: CRLF "." CRLF, or "." CRLF
 * on the first line. Only CRLF ends a line; a bare CR or a bare LF anywhere
 * stops the machine (DATA_BARE), so that no other sequence (\n.\n, \r.\r,
 * \n.\r\n, \r\n.\r ...) can end a message or begin a second one.
 *
 * Along the way it notes, without stopping: a line longer than linemax
 * octets (CRLF included), a NUL, more than sizemax octets of output, and
 * the number of "Received:" header lines. The caller decides what they
 * mean. Each input octet gives at most one output octet, so out needs as
 * many bytes as in. Pure: no I/O, no allocation. */
#ifndef POSTA_SMTPD_DATA_H
#define POSTA_SMTPD_DATA_H

#include <stddef.h>
#include <stdint.h>

#define DATA_MORE 0      /* every input octet consumed, no end yet */
#define DATA_END 1       /* the end was found; *used stops after it */
#define DATA_BARE 2      /* a bare CR or LF; *used stops after it */

#define DATA_F_TOOLONG 1 /* a line was longer than linemax */
#define DATA_F_NUL 2     /* a NUL */
#define DATA_F_TOOBIG 4  /* more than sizemax octets */

typedef struct smtpd_data_s smtpd_data;
struct smtpd_data_s {
  int state;
  size_t linelen;    /* octets of the current line seen, as sent */
  size_t linemax;    /* 0: no limit */
  uint64_t size;     /* octets written out */
  uint64_t sizemax;  /* 0: no limit */
  unsigned hops;     /* "Received:" lines in the header */
  int header;        /* still in the header */
  int hmatch;        /* octets of "received:" matched in this line, -1 none */
  unsigned flags;
};

void smtpd_data_init(smtpd_data *, size_t linemax, uint64_t sizemax);
int smtpd_data_feed(smtpd_data *, char const *in, size_t n, size_t *used, char *out, size_t *outlen);

#endif
