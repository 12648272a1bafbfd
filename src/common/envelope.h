/* envelope: the injection envelope, qmail-queue's format.
 *
 * "F" sender NUL, then one or more "T" recipient NUL, then a lone NUL.
 * envelope_parse checks a whole envelope and says what is wrong with it in
 * posta-queue's exit codes: an address longer than ENVELOPE_ADDR_MAX is 11;
 * anything else malformed (a missing F, no recipient, a control character
 * or a NUL inside an address, bytes after the end, more than maxrcpt
 * recipients) is 91, and so is an address that no delivery could ever
 * reach, which would only be retried until the queue lifetime ends: an
 * empty recipient, and a recipient or sender with nothing after its last
 * '@' ("@", "x@"). The sender may be empty (the null sender); a local part
 * may be empty ("@x" is RFC 5321's ""@x). libc only; it never copies or
 * allocates. */
#ifndef POSTA_ENVELOPE_H
#define POSTA_ENVELOPE_H

#include <stddef.h>

#define ENVELOPE_ADDR_MAX 1000
#define ENVELOPE_RCPT_HARDMAX 100000
#define ENVELOPE_RCPT_MIN 100
#define ENVELOPE_OK 0
#define ENVELOPE_TOOLONG 11
#define ENVELOPE_BAD 91

typedef struct envelope_s envelope;
struct envelope_s {
  char const *sender;  /* NUL-terminated inside the parsed buffer */
  size_t nrcpt;
  char const *rcpts;   /* the first "T" field */
  size_t rcpts_len;
};

/* The recipient limit a control/maxrcpt value means, the same for every
 * program that reads it: 0 (no limit) or anything above the hard maximum is
 * ENVELOPE_RCPT_HARDMAX; below ENVELOPE_RCPT_MIN (RFC 5321's 100) it is
 * ENVELOPE_RCPT_MIN. */
size_t envelope_maxrcpt(unsigned long setting);
/* The longest envelope of maxrcpt recipients, in bytes. */
size_t envelope_max(size_t maxrcpt);
/* 0, ENVELOPE_TOOLONG or ENVELOPE_BAD. *complete is set to 0 when buf ends
 * before the final NUL (the injector's input ended early: exit 54). */
int envelope_parse(char const *buf, size_t len, size_t maxrcpt, envelope *, int *complete);
/* Walks the recipients: start with *pos = 0; returns each address (without
 * its T), or 0 after the last. */
char const *envelope_rcpt(envelope const *, size_t *pos);
/* 1 when an address may stand in an envelope's field: not empty unless
 * empty is 1 (the null sender), not ending with '@'. */
int envelope_addr_routable(char const *, size_t, int empty);
/* 1 when an address is acceptable in a queue record: no byte below 0x20,
 * no DEL, at most ENVELOPE_ADDR_MAX bytes. */
int envelope_addr_ok(char const *, size_t);

#endif
