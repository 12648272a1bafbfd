/* smtpd_injd: posta-smtpd as a client of posta-injectd (doc/protocols.md,
 * "posta-smtpd to posta-injectd"). The message goes as netstrings of up to
 * SMTPD_INJ_STAGE bytes, then "0:,", then the envelope (posta-queue's fd 1
 * bytes) as one netstring; the daemon answers one byte, qmail-queue's exit
 * code, once the message is durable, and after a 0 the message's queue id. A run abandoned (smtpd_queue_abort)
 * closes the socket before the envelope: the daemon queues nothing. Every
 * wait lasts at most the session's timeout. Never exits. */
#include "posta-smtpd/smtpd_queue.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define INJD_SOCKET "injectd/socket"

int smtpd_injd_connect(smtpd_inj *j, unsigned timeout)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  struct ucred cr;
  socklen_t len = sizeof cr;
  memcpy(sa.sun_path, INJD_SOCKET, sizeof INJD_SOCKET);
  /* non-blocking: a daemon whose backlog is full is a daemon that is
   * down (EAGAIN), and posta-queue takes the message */
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  j->pid = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 ? cr.pid : 0;
  j->sock = 1;
  j->id = 0;
  j->envfd = -1;
  j->broken = 0;
  j->stagelen = 0;
  smtpd_io_init(&j->msg, fd, timeout);
  return 0;
}

/* Sends the staged bytes as one chunk: 0 or -1. */
static int chunk(smtpd_inj *j)
{
  char head[24];
  if (!j->stagelen) return 0;
  int n = snprintf(head, sizeof head, "%zu:", j->stagelen);
  if (smtpd_io_put(&j->msg, head, (size_t)n) < 0 || smtpd_io_put(&j->msg, j->stage, j->stagelen) < 0
      || smtpd_io_put(&j->msg, ",", 1) < 0)
    return -1;
  j->stagelen = 0;
  return 0;
}

void smtpd_injd_put(smtpd_inj *j, char const *s, size_t n)
{
  while (n && !j->broken) {
    size_t room = sizeof j->stage - j->stagelen;
    size_t take = n < room ? n : room;
    memcpy(j->stage + j->stagelen, s, take);
    j->stagelen += take;
    s += take;
    n -= take;
    if (j->stagelen == sizeof j->stage && chunk(j) < 0) j->broken = 1;
  }
}

int smtpd_injd_commit(smtpd_inj *j, char const *sender, size_t slen, char const *rcpts, size_t rlen)
{
  char head[32];
  if (j->broken || j->msg.fd < 0 || chunk(j) < 0) { smtpd_queue_abort(j); return -1; }
  /* "F" sender NUL, the "T" fields, NUL: posta-queue's envelope */
  int n = snprintf(head, sizeof head, "0:,%zu:F", slen + rlen + 3);
  if (smtpd_io_put(&j->msg, head, (size_t)n) < 0 || smtpd_io_put(&j->msg, sender, slen) < 0 || smtpd_io_put(&j->msg, "", 1) < 0
      || smtpd_io_put(&j->msg, rcpts, rlen) < 0 || smtpd_io_put(&j->msg, "\0,", 2) < 0 || smtpd_io_flush(&j->msg) < 0) {
    smtpd_queue_abort(j);
    return -1;
  }
  return 0;
}

/* After a 0: the message's id, decimal digits up to the end of file (0 when
 * none came or they are not an id). */
static uint64_t read_id(sio *m)
{
  char d[SMTPD_INJ_IDLEN + 1];
  size_t n = 0;
  m->pos = 1;
  for (;;) {
    while (m->pos < m->len) {
      if (n == SMTPD_INJ_IDLEN) return 0;
      d[n++] = m->buf[m->pos++];
    }
    if (smtpd_io_fill(m) <= 0) break;
  }
  d[n] = 0;
  if (!n || n > 20 || strspn(d, "0123456789") != n) return 0;
  return strtoull(d, 0, 10);
}

int smtpd_injd_wait(smtpd_inj *j)
{
  int code = SMTPD_INJ_LOST;
  if (j->msg.fd < 0) return code;
  j->msg.pos = j->msg.len = 0;
  /* the verdict comes once the message is durable, or never */
  if (smtpd_io_fill(&j->msg) > 0) code = (unsigned char)j->msg.buf[0];
  if (!code) j->id = read_id(&j->msg);
  close(j->msg.fd);
  j->msg.fd = -1;
  return code;
}
