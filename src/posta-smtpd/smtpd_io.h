/* smtpd_io: buffered reads and writes on one descriptor, each bounded in
 * time.
 *
 * A sio holds a fixed buffer: nothing grows with what the peer sends. Every
 * wait (for input, or for room to write) lasts at most the sio's timeout;
 * the descriptor is put in non-blocking mode. Returns -1 with errno
 * ETIMEDOUT when the peer was too slow. Never exits, never allocates. */
#ifndef POSTA_SMTPD_IO_H
#define POSTA_SMTPD_IO_H

#include <stddef.h>
#include <sys/types.h>

#define SIO_SIZE 4096

typedef struct sio_s sio;
struct sio_s {
  int fd;
  int timeout_ms;   /* -1: wait for ever */
  size_t pos;       /* reading: next unread byte */
  size_t len;       /* bytes in buf */
  char buf[SIO_SIZE];
};

/* fd made non-blocking; timeout in seconds, 0 for none. */
void smtpd_io_init(sio *, int fd, unsigned timeout);
/* Reads once into an empty buffer: the number of bytes, 0 at end of file,
 * -1 on error. */
ssize_t smtpd_io_fill(sio *);
/* Unread bytes. */
#define sio_avail(s) ((s)->len - (s)->pos)
/* Drops the unread bytes and returns how many there were. */
size_t smtpd_io_drop(sio *);
/* Queues bytes for writing, writing out what does not fit: 0 or -1. */
int smtpd_io_put(sio *, char const *, size_t);
int smtpd_io_puts(sio *, char const *);
/* Writes out everything queued: 0 or -1. */
int smtpd_io_flush(sio *);
/* Reads and throws away input until end of file, for at most ms
 * milliseconds in all and max octets. */
void smtpd_io_drain(sio *, int ms, size_t max);

#endif
