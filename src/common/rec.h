/* rec: the one on-disk record format of the queue.
 *
 * A record is a header line "posta KIND VERSION\n", then fields, each a tag
 * byte and a value ended by NUL, then an empty field (a lone NUL), then the
 * CRC-32 (IEEE) of every byte before it as 8 lowercase hex digits and "\n".
 * A reader accepts a record whole or not at all: wrong kind, wrong version,
 * a missing end or a bad CRC are all refused, so a torn or foreign file is
 * never half-believed.
 *
 * libc only. rec_parse never allocates and never writes to its input;
 * rec_buf grows with malloc and reports ENOMEM once, at rec_finish. */
#ifndef POSTA_REC_H
#define POSTA_REC_H

#include <stddef.h>
#include <stdint.h>

#define REC_KIND_MAX 32

typedef struct rec_buf_s rec_buf;
struct rec_buf_s {
  char *s;
  size_t len;
  size_t a;
  int err;
};
#define REC_BUF_ZERO { 0, 0, 0, 0 }

void rec_start(rec_buf *, char const *kind, unsigned version);
/* Adds one field. A value is cut at its first NUL: values never hold one. */
void rec_add(rec_buf *, char tag, char const *value);
void rec_addn(rec_buf *, char tag, char const *value, size_t len);
void rec_addu(rec_buf *, char tag, uint64_t value);
/* Appends the end and the CRC. 0, or -1 with errno ENOMEM. */
int rec_finish(rec_buf *);
void rec_free(rec_buf *);

typedef struct rec_s rec;
struct rec_s {
  char const *p;   /* the fields */
  size_t len;      /* their length, the final empty field excluded */
  size_t pos;
};

/* 0 when buf[0..len) is one whole record of KIND and VERSION, else -1 with
 * errno EPROTO (not a record, torn, bad CRC) or ENOTSUP (other version). */
int rec_parse(rec *, char const *buf, size_t len, char const *kind, unsigned version);
/* The next field (tag first, NUL-terminated in the buffer), or 0 at the end. */
char const *rec_next(rec *, size_t *len);
/* A field's decimal value (the text after the tag): one digit or more and
 * nothing else, at most 18446744073709551609 (UINT64_MAX - 6: the overflow
 * check is kept simple). 0 and *v, or -1 (*v untouched).
 * rec_num_strict also refuses a leading zero, which rec_addu never writes. */
int rec_num(char const *s, uint64_t *v);
int rec_num_strict(char const *s, uint64_t *v);
uint32_t rec_crc32(uint32_t crc, char const *s, size_t len);

#endif
