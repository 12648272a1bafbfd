/* tlsd_hand: the TLS handshake, and the STARTTLS switch.
 *
 * The switch is where the STARTTLS command injection class of bugs
 * (CVE-2011-0411) lives. posta-smtpd asks for it only after it flushed
 * its earlier replies; from then on nothing more is read from the client
 * in plain text, what was read and not yet handed over is dropped here,
 * and what was handed over but not yet read is dropped by posta-smtpd
 * before it acknowledges; only then does a decrypted byte reach it.
 * Plain-text bytes still in the socket go to the handshake, which they
 * make fail. See tlsd.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "posta-tlsd/tlsd.h"

int tlsd_net_putall(tlsd *t, char const *s, size_t n)
{
  while (n) {
    ssize_t r = tlsd_net_write(t, s, n);
    if (r > 0) { s += r; n -= (size_t)r; continue; }
    if (r == TLS_WANT_POLLIN || r == TLS_WANT_POLLOUT) {
      if (tlsd_wait(t, t->netout, r == TLS_WANT_POLLIN ? POLLIN : POLLOUT) < 0) return -1;
      continue;
    }
    return -1;
  }
  return 0;
}

/* printable, no space: safe in a log line and in the environment */
static void keep(char *out, size_t size, char const *in)
{
  size_t n = 0;
  for (; in && *in && n + 1 < size; in++) out[n++] = *in > 32 && *in < 127 ? *in : '?';
  out[n] = 0;
}

static void failed(tlsd *t, char const *why)
{
  char text[200];
  keep(text, sizeof text, why);
  for (char *p = text; *p; p++) if (*p == '?') *p = ' ';
  strerr_warnw4x("TLS handshake failed with ", t->ip, ": ", text);
}

/* 0 once the client sent its first byte (or the descriptor is no socket
 * to peek at), -1 when it closed before: a connection opened and closed at
 * once (a readiness probe, a port scan) tried no handshake, and no failure
 * is logged for it. */
static int first_byte(tlsd *t)
{
  char c;
  if (tlsd_wait(t, t->netin, POLLIN) < 0) {
    failed(t, errno == ETIMEDOUT ? "timeout" : strerror(errno));
    return -1;
  }
  return recv(t->netin, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0 ? -1 : 0;
}

int tlsd_handshake(tlsd *t)
{
  if (first_byte(t) < 0) return -1;
  if (tls_accept_fds(t->server, &t->conn, t->netin, t->netout) < 0) {
    failed(t, tls_error(t->server));
    return -1;
  }
  for (;;) {
    int r = tls_handshake(t->conn);
    if (!r) break;
    if (r == TLS_WANT_POLLIN || r == TLS_WANT_POLLOUT) {
      int fd = r == TLS_WANT_POLLIN ? t->netin : t->netout;
      if (tlsd_wait(t, fd, r == TLS_WANT_POLLIN ? POLLIN : POLLOUT) < 0) {
        failed(t, errno == ETIMEDOUT ? "timeout" : strerror(errno));
        return -1;
      }
      continue;
    }
    char const *e = tls_error(t->conn);
    failed(t, e ? e : "connection closed");
    return -1;
  }
  keep(t->version, sizeof t->version, tls_conn_version(t->conn));
  keep(t->cipher, sizeof t->cipher, tls_conn_cipher(t->conn));
  return 0;
}

/* Everything posta-smtpd wrote before it asked for the switch. */
static int flush_app(tlsd *t, tlsd_buf *a2n)
{
  for (;;) {
    if (a2n->pos < a2n->len && tlsd_net_putall(t, a2n->s + a2n->pos, a2n->len - a2n->pos) < 0) return -1;
    a2n->pos = a2n->len = 0;
    ssize_t r = read(t->fromapp, a2n->s, sizeof a2n->s);
    if (r > 0) { a2n->len = (size_t)r; continue; }
    if (r < 0 && errno == EINTR) continue;
    /* empty (EAGAIN), or posta-smtpd gone: nothing more came before */
    return 0;
  }
}

int tlsd_handshake_tell(tlsd *t)
{
  char msg[160];
  if (tlsd_handshake(t) < 0) return -1;
  int k = snprintf(msg, sizeof msg, "Y%s %s\n", t->version, t->cipher);
  return tlsd_ctl_write(t, msg, (size_t)k);
}

int tlsd_switch(tlsd *t, tlsd_buf *a2n, tlsd_buf *n2a, char const *line, size_t n)
{
  char ack[8];
  if (flush_app(t, a2n) < 0 || tlsd_net_putall(t, line, n) < 0) return -1;
  n2a->pos = n2a->len = 0;
  if (tlsd_handshake_tell(t) < 0) return -1;
  ssize_t r = tlsd_ctl_read(t, ack, sizeof ack);
  return r == 2 && ack[0] == 'A' ? 0 : -1;
}
