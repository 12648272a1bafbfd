/* msgbody: the message as it goes on the wire.
 *
 * The queue stores LF line ends; a message may still hold a bare CR, a
 * CRLF, or end without a line end. On the wire every line ends in CRLF:
 * LF, CR and CRLF each become one CRLF, so that no bare CR or LF is ever
 * passed on; a line starting with '.' gets another (RFC 5321 4.5.2); an
 * unterminated last line gets a CRLF; then ".\r\n" ends the data, once.
 *
 * msgbody_load maps stdin when it is a regular file (reading from offset 0,
 * whatever the descriptor's offset: posta-send may share one descriptor
 * between deliveries) and reads it otherwise. msgbody_scan gives the size
 * RFC 1870 means (CRLF line ends, without the stuffed dots and the final
 * dot) and whether any byte has its high bit set. msgbody_encode is the
 * encoder (its state a msgenc), resumable on any output size of at least 5
 * bytes. Never exits. */
#ifndef POSTA_MSGBODY_H
#define POSTA_MSGBODY_H

#include <stddef.h>
#include <stdint.h>

#define MSGBODY_READ_MAX ((size_t)1 << 30)

typedef struct msgbody_s msgbody;
struct msgbody_s {
  char *s;
  size_t len;
  int mapped;
  uint64_t wiresize;
  int eightbit;
};
#define MSGBODY_ZERO { 0, 0, 0, 0, 0 }

/* 0, or -1 with errno (EFBIG beyond MSGBODY_READ_MAX for a pipe). */
int msgbody_load(msgbody *, int fd);
void msgbody_free(msgbody *);
void msgbody_scan(msgbody *);

typedef struct msgenc_s msgenc;
struct msgenc_s {
  size_t pos;
  int bol;      /* at the beginning of a line */
  int done;     /* the final ".\r\n" is out */
};
#define MSGENC_ZERO { 0, 1, 0 }

/* Encodes s[0..len) from e->pos into out (outsize >= 5); returns the bytes
 * written. Call until e->done. */
size_t msgbody_encode(msgenc *e, char const *s, size_t len, char *out, size_t outsize);

#endif
