/* netio: one TCP connection with a timeout on every wait.
 *
 * netio_connect waits at most timeout seconds for a connection. Reads are
 * buffered; each wait for data lasts at most the connection's timeout.
 * Writes go through an output buffer, flushed when full or on
 * netio_flush, each wait for room bounded the same way. SIGPIPE is never
 * raised (MSG_NOSIGNAL). Once netio_tls has set a TLS session, reads and
 * writes go through it (libtls), with the same timeouts. libc and libtls
 * only; returns -1 with errno (ETIMEDOUT, ECONNREFUSED, EPIPE, EPROTO for
 * a TLS error...), never exits, never prints. */
#ifndef POSTA_NETIO_H
#define POSTA_NETIO_H

#include <stddef.h>

#define NETIO_IN 4096
#define NETIO_OUT 65536

struct tls;

typedef struct netio_s netio;
struct netio_s {
  int fd;
  struct tls *tls;        /* the TLS session, 0 in plain text */
  unsigned int timeout;   /* seconds, for every read or write wait */
  char in[NETIO_IN];
  size_t inpos, inlen;
  char out[NETIO_OUT];
  size_t outlen;
};

/* A connected socket to ip (IPv4 mapped) and port, or -1 with errno. */
int netio_connect(char const ip[16], unsigned int port, unsigned int timeout);
void netio_init(netio *, int fd, unsigned int timeout);
/* Closes the connection (and its TLS session, with a close_notify). */
void netio_close(netio *);
/* From now on, reads and writes go through tls (a connected client
 * session, whose handshake netio_handshake does); netio_close frees it. */
void netio_tls(netio *, struct tls *);
/* The TLS handshake within the timeout: 0, or -1 (errno EPROTO: see
 * tls_error, or ETIMEDOUT). */
int netio_handshake(netio *);
/* Makes unread bytes available in io->in[inpos..inlen): >0, 0 at end of
 * file, -1 on error or timeout (ETIMEDOUT). */
int netio_fill(netio *);
/* Appends to the output buffer, flushing as needed. 0 or -1. */
int netio_put(netio *, char const *s, size_t len);
int netio_puts(netio *, char const *s);
/* Room in the output buffer for direct writes: io->out + io->outlen, up to
 * NETIO_OUT - io->outlen bytes; then netio_wrote says how many were added. */
void netio_wrote(netio *, size_t n);
int netio_flush(netio *);

#endif
