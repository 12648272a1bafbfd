/* pwline: the lines of mailboxes/.passwd, "address:hash", one per mailbox
 * that has a password (posta-user writes them, posta-checkpw reads them).
 *
 * A line is its address's when it starts with the address, compared
 * without regard to ASCII case, then ':'. The hash is the rest of the
 * line, a final CR (a hand-edited file) left out. A line without ':' after
 * the address, or an empty address, belongs to no one; there are no
 * comments (a '#' line is an address that cannot match a login). The
 * first of an address's lines with a usable hash (1 to max octets, no
 * NUL) wins: the others are skipped.
 *
 * libc only; never allocates, never writes to its input. */
#ifndef POSTA_PWLINE_H
#define POSTA_PWLINE_H

#include <stddef.h>

/* 1 when line[0..n) (without its LF) is addr's, else 0. */
int pwline_is(char const *line, size_t n, char const *addr, size_t alen);
/* The next line of buf[0..len) from *pos, without its LF, and *pos past
 * it: its start (and *n its length), or 0 at the end. */
char const *pwline_next(char const *buf, size_t len, size_t *pos, size_t *n);
/* addr's hash in buf[0..len): 1 and *hash, *hlen (not NUL-terminated),
 * or 0 when no line of addr has a usable hash of at most max octets. */
int pwline_find(char const *buf, size_t len, char const *addr, size_t max, char const **hash, size_t *hlen);

#endif
