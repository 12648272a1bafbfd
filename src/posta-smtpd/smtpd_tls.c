/* smtpd_tls: the STARTTLS command and the control descriptor of
 * posta-tlsd. See smtpd_tls.h.
 *
 * The switch, in order: drop whatever the client pipelined behind
 * STARTTLS (it came in plain text and must never run as a command: the
 * CVE-2011-0411 class); flush our earlier replies; hand posta-tlsd our 220
 * in a control message "S220 ...\r\n" (it writes it out itself, so that
 * the client's handshake can never reach us as plain text); wait for
 * "Yversion cipher\n"; drop again what reached our input before the
 * handshake; acknowledge with "A\n"; forget the session (RFC 3207 4.2:
 * HELO, the transaction, an AUTH). End of file instead of Y: the handshake
 * failed and posta-tlsd has ended the session. */
#include "posta-smtpd/smtpd_tls.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/fdwait.h"
#include "posta-smtpd/smtpd.h"

#define READY "S220 2.0.0 ready to start TLS\r\n"

static void keep(char *out, size_t size, char const *in)
{
  size_t n = 0;
  for (; in && *in && n + 1 < size; in++) out[n++] = *in > 32 && *in < 127 ? *in : '?';
  out[n] = 0;
}

void smtpd_tls_init(smtpd_tls *t)
{
  char const *fd = getenv("POSTA_TLSFD");
  char const *proto = getenv("SSL_PROTOCOL");
  memset(t, 0, sizeof *t);
  t->fd = -1;
  if (proto && *proto) {
    t->on = 1;
    keep(t->version, sizeof t->version, proto);
    keep(t->cipher, sizeof t->cipher, getenv("SSL_CIPHER"));
  } else if (fd && *fd) {
    char *end;
    unsigned long v = strtoul(fd, &end, 10);
    if (!*end && v < 1024) t->fd = (int)v;
  }
}

int smtpd_tls_offer(smtpd_tls const *t)
{
  return t->fd >= 0 && !t->on;
}

static int put(int fd, char const *s, size_t n)
{
  while (n) {
    ssize_t r = write(fd, s, n);
    if (r > 0) { s += r; n -= (size_t)r; continue; }
    if (r < 0 && errno == EINTR) continue;
    return -1;
  }
  return 0;
}

ssize_t smtpd_tls_getline(int fd, char *buf, size_t size, int timeout_ms)
{
  size_t n = 0;
  while (n + 1 < size) {
    if (fdwait_ms(fd, POLLIN, timeout_ms) < 0) return -1;
    ssize_t k = read(fd, buf + n, 1);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    if (buf[n++] == '\n') { buf[n - 1] = 0; return (ssize_t)n; }
  }
  return -1;
}

/* Throws away what is readable now on fd: 0, or -1 at end of file. */
static int drain(sio *in)
{
  for (;;) {
    struct pollfd p = { in->fd, POLLIN, 0 };
    if (poll(&p, 1, 0) <= 0) return 0;
    ssize_t r = read(in->fd, in->buf, sizeof in->buf);
    if (!r) return -1;
    if (r < 0 && errno != EINTR && errno != EAGAIN) return -1;
  }
}

static void forget(smtpd *s)
{
  smtpd_session_reset(s);
  s->greeted = 0;
  s->helo[0] = 0;
  s->auth.user[0] = 0;
  smtpd_line_reset(&s->line);
}

static void switched(smtpd *s, char const *msg)
{
  char const *sp = strchr(msg, ' ');
  char ip[64];
  size_t vlen = sp ? (size_t)(sp - msg) : strlen(msg);
  if (vlen >= sizeof s->tls.version) vlen = sizeof s->tls.version - 1;
  memcpy(s->tls.version, msg, vlen);
  s->tls.version[vlen] = 0;
  keep(s->tls.version, sizeof s->tls.version, s->tls.version);
  keep(s->tls.cipher, sizeof s->tls.cipher, sp ? sp + 1 : "");
  s->tls.on = 1;
  esc_str(ip, sizeof ip, s->remoteip, ESC_WORD);
  strerr_warni("TLS ", s->tls.version, " ", s->tls.cipher, " with ", ip);
}

void smtpd_tls_cmd(smtpd *s, char *arg, size_t len)
{
  char msg[160];
  if (len) { smtpd_fail(s, "501 5.5.4 syntax: STARTTLS takes no argument"); return; }
  if (s->tls.on) { smtpd_fail(s, "503 5.5.1 TLS is already on"); return; }
  if (!smtpd_tls_offer(&s->tls)) { smtpd_fail(s, "502 5.5.1 STARTTLS not offered here"); return; }
  if (s->inmail) { smtpd_fail(s, "503 5.5.1 STARTTLS not allowed in a mail transaction"); return; }
  smtpd_io_drop(&s->in);
  int timeout = (int)(s->cfg.timeout > 2000000 ? 2000000000 : s->cfg.timeout * 1000);
  if (smtpd_io_flush(&s->out) < 0 || put(s->tls.fd, READY, sizeof READY - 1) < 0
      || smtpd_tls_getline(s->tls.fd, msg, sizeof msg, timeout) < 2 || msg[0] != 'Y' || drain(&s->in) < 0
      || put(s->tls.fd, "A\n", 2) < 0) {
    /* posta-tlsd said why in its log, and has closed the connection */
    s->quit = 1;
    return;
  }
  smtpd_io_drop(&s->in);
  forget(s);
  switched(s, msg + 1);
}
