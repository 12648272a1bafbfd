/* fdpass: one packet, with a few descriptors at most, over a Unix socket.
 *
 * The sending side of posta-send's requests to its spawners, posta-lspawn's
 * hand-offs to its workers and posta-smtpdpool's to its workers (SMTP and
 * TLS: up to three descriptors a connection); the receiving side of
 * posta-lspawn, its workers, posta-rspawn, the SMTP and the TLS workers. Each receiver decides what a descriptor it did not expect means
 * (posta-lspawn refuses the request); fdpass only makes sure none leaks.
 *
 * libc only: the programs on skalibs and the one on libowfat share it.
 * Never exits, never prints. */
#ifndef POSTA_FDPASS_H
#define POSTA_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* Sends len bytes of buf as one packet, with fd (none when fd < 0), without
 * blocking (MSG_DONTWAIT) and without SIGPIPE; an interrupted send is
 * retried. Returns 0 when the whole packet went, else -1 with errno (EPROTO
 * for a packet cut short, EAGAIN for a full socket). */
int fdpass_send(int sock, void const *buf, size_t len, int fd);
/* The same with the n descriptors of fds (n at most FDPASS_MAX). */
int fdpass_sendn(int sock, void const *buf, size_t len, int const *fds, unsigned n);

#define FDPASS_MAX 3

/* What came with a packet. */
typedef struct fdpass_got_s fdpass_got;
struct fdpass_got_s {
  int fd;          /* the first descriptor, close-on-exec, or -1 */
  unsigned nfd;    /* how many came (every one but those kept is closed),
                    * one more when some did not fit */
  int fds[FDPASS_MAX]; /* those kept (fdpass_recvn), -1 beyond nfd */
  int truncated;   /* the packet did not fit in buf */
};

/* Receives one packet into buf (at most size bytes) with flags for
 * recvmsg (MSG_DONTWAIT, or 0), retrying an interrupted receive. Returns
 * its length (0 at end of file) and fills *got, or -1 with errno (then no
 * descriptor is open). */
ssize_t fdpass_recv(int sock, void *buf, size_t size, int flags, fdpass_got *got);
/* The same, keeping the first keep descriptors (at most FDPASS_MAX) in
 * got->fds (got->fd is fds[0]) and closing the others. */
ssize_t fdpass_recvn(int sock, void *buf, size_t size, int flags, fdpass_got *got, unsigned keep);

#endif
