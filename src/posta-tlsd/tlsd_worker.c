/* tlsd_worker: posta-tlsd -w, a long-lived TLS worker of posta-smtpdpool.
 *
 * Started as root by the pool's keeper (posta-smtpdpool's one process that
 * stays root), it reads the certificate and the key once, becomes
 * $UID/$GID and undumpable, says on the pool's socket (descriptor 0)
 * whether it has TLS to offer ("R") or not ("X", then it exits), and then
 * serves one connection after another. Each comes as one packet, "S"
 * (STARTTLS may come) or "I" (implicit TLS) followed by the client's
 * address, with three descriptors: the client's socket, a socket to the
 * posta-smtpd -w worker that the pool paired with it (its stdin and
 * stdout of the one-connection mode), and the control socket between us
 * (POSTA_TLSFD). For "I" the handshake comes first, then "Yversion
 * cipher" on the control socket, which is closed. The relay is the
 * one-connection mode's (tlsd_relay.c); after it the TLS session is
 * freed, every descriptor of the connection closed, what was kept of it
 * wiped, and "D" says so to the pool. End of file on the pool's socket
 * ends the worker. See tlsd.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/fdpass.h"
#include "posta-tlsd/tlsd.h"

#define MSG_MAX 256

static int nonblock(int fd)
{
  int fl = fcntl(fd, F_GETFL);
  return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -1 : 0;
}

/* Forgets the connection: TLS session, descriptors, names. */
static void forget(tlsd *t)
{
  if (t->conn) {
    tls_free(t->conn);
    t->conn = 0;
  }
  tlsd_reap(t);
  if (t->netin >= 0) close(t->netin);
  t->netin = t->netout = -1;
  explicit_bzero(t->ip, sizeof t->ip);
  explicit_bzero(t->version, sizeof t->version);
  explicit_bzero(t->cipher, sizeof t->cipher);
}

/* The implicit TLS handshake, then its result to posta-smtpd: 0 or -1. */
static int implicit(tlsd *t)
{
  int r = tlsd_handshake_tell(t);
  close(t->ctl);
  t->ctl = -1;
  return r;
}

/* One connection: the client fds[0], posta-smtpd fds[1], control fds[2]. */
static void session(tlsd *t, char kind, int const *fds)
{
  t->implicit = kind == 'I';
  t->netin = t->netout = fds[0];
  t->toapp = fds[1];
  t->ctl = fds[2];
  t->child = 0;
  /* its own descriptor each way, so that the relay ends one alone */
  t->fromapp = fcntl(fds[1], F_DUPFD_CLOEXEC, 3);
  if (t->fromapp < 0 || nonblock(t->netin) < 0 || nonblock(t->toapp) < 0 || nonblock(t->fromapp) < 0
      || nonblock(t->ctl) < 0) {
    strerr_warnwu1sys("set up a connection");
    return;
  }
  tlsd_net_nonblock(t);
  if (t->implicit && implicit(t) < 0) return;
  tlsd_relay(t);
}

/* One packet from the pool: its kind ('S' or 'I'), 0 at end of file, -1
 * for a packet that is not a connection (its descriptors closed). */
static int receive(tlsd *t, int *fds)
{
  char buf[MSG_MAX];
  fdpass_got got;
  ssize_t r = fdpass_recvn(0, buf, sizeof buf - 1, 0, &got, 3);
  if (!r) return 0;
  if (r < 0) strerr_diefu1sys(111, "read from the pool's socket");
  if (got.nfd == 3 && !got.truncated && (buf[0] == 'S' || buf[0] == 'I')) {
    buf[r] = 0;
    tlsd_set_ip(t, buf + 1);
    memcpy(fds, got.fds, 3 * sizeof *fds);
    return buf[0];
  }
  for (unsigned i = 0; i < FDPASS_MAX; i++)
    if (got.fds[i] >= 0) close(got.fds[i]);
  return -1;
}

int tlsd_worker_run(tlsd *t, int cert)
{
  int fds[3];
  if (send(0, cert > 0 ? "R" : "X", 1, MSG_NOSIGNAL) < 0) strerr_diefu1sys(111, "write to the pool's socket");
  if (cert <= 0) return 111;
  t->netin = t->netout = t->toapp = t->fromapp = t->ctl = -1;
  for (;;) {
    int kind = receive(t, fds);
    if (!kind) return 0;
    if (kind < 0) {
      strerr_warnw1x("a message from the pool that is not a connection");
      continue;
    }
    session(t, (char)kind, fds);
    forget(t);
    while (send(0, "D", 1, MSG_NOSIGNAL) < 0)
      if (errno != EINTR) strerr_diefu1sys(111, "write to the pool's socket");
  }
}
