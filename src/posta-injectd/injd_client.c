/* injd_client: one client of posta-injectd, from accept to its answer.
 *
 * A connection is accepted only from a uid allowed (SO_PEERCRED: root and
 * posta-d, or a single-user instance's user); anyone else is closed with
 * nothing said. An accepted client's message begins at once, as
 * posta-queue's would for the same caller (control files read, free space
 * measured, queue/pid/PID.SEQ created, the Received line naming the caller
 * as posta-queue would name it); its bytes go to the file as they come. A
 * failure of any kind, a protocol error, the client's end of file before
 * its envelope, or its silence past control/injecttimeout releases the
 * message (its files removed: state 0 never outlives it) and answers the
 * code when the client can still hear it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/fdwait.h"
#include "posta-injectd/injd.h"

#define INJD_READ 65536

static int allowed(injd const *d, uid_t uid)
{
  for (unsigned i = 0; i < d->nallowed; i++)
    if (d->allowed[i] == uid) return 1;
  return 0;
}

static injd_client *slot(injd *d)
{
  for (unsigned i = 0; i < INJD_MAXCLIENTS; i++)
    if (d->c[i].state == INJD_FREE) return &d->c[i];
  return 0;
}

static int sink_msg(void *ctx, char const *s, size_t n)
{
  return qq_message_put(&((injd_client *)ctx)->q, s, n);
}

static int sink_msg_end(void *ctx)
{
  return qq_message_end(&((injd_client *)ctx)->q);
}

static int sink_env(void *ctx, char const *s, size_t n)
{
  injd_client *c = ctx;
  /* the parser bounded the envelope's length (left, before this part is
   * taken off it): its first bytes size the buffer */
  if (!c->env) {
    c->env = malloc(c->p.left + 1);
    if (!c->env) return qq_failx(&c->q, QQ_NOMEM, "read the envelope: out of memory");
  }
  memcpy(c->env + c->envlen, s, n);
  c->envlen += n;
  return 0;
}

/* The message's beginning, as posta-queue's: 0 or the code. */
static int begin(injd *d, injd_client *c, uid_t uid)
{
  char recv[256];
  qq *q = &c->q;
  *q = (qq)QQ_ZERO;
  q->ruid = uid;
  q->pid = d->pid;
  q->seq = ++d->seq;
  q->quid = d->quid;
  q->qgid = d->qgid;
  q->fmode = d->fmode;
  q->invoked = qq_invoked_as(uid);
  int r = qq_limits(q);
  if (!r) r = qq_message_begin(q);
  if (r) return r;
  size_t n = qq_received(recv, sizeof recv, q->pid, q->invoked, q->ruid, q->now);
  if (!n) return qq_failx(q, QQ_BUG, "format the Received line");
  injp_init(&c->p, q->room, qq_envelope_cap(q));
  return qq_message_put(q, recv, n);
}

static void warn(injd_client const *c, int code)
{
  char s[16], u[24];
  if (!c->q.what) return;
  snprintf(s, sizeof s, "%d", code);
  snprintf(u, sizeof u, "%lu", (unsigned long)c->q.ruid);
  if (c->q.err) strerr_warnw("unable to ", c->q.what, ": ", strerror(c->q.err), " (uid ", u, ", code ", s, ")");
  else strerr_warnw("unable to ", c->q.what, " (uid ", u, ", code ", s, ")");
}

void injd_finish(injd *d, injd_client *c, int code)
{
  char b[24];
  size_t n = 1;
  b[0] = (char)(unsigned char)code;
  if (code) warn(c, code);
  /* 0: the id the message was committed under follows, in decimal */
  else n += (size_t)snprintf(b + 1, sizeof b - 1, "%llu", (unsigned long long)c->q.id);
  /* the socket's buffer is empty: these few bytes always fit */
  if (write(c->fd, b, n) < 0) { /* a client that left hears nothing */ }
  qq_release(&c->q);
  free(c->env);
  c->env = 0;
  c->envlen = 0;
  close(c->fd);
  c->fd = -1;
  c->state = INJD_FREE;
  d->nclients--;
}

static void take(injd *d, int fd)
{
  struct ucred cr;
  socklen_t len = sizeof cr;
  char u[24];
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || !allowed(d, cr.uid)) {
    snprintf(u, sizeof u, "%lu", (unsigned long)(len == sizeof cr ? cr.uid : (uid_t)-1));
    strerr_warnw("refused a connection from uid ", u);
    close(fd);
    return;
  }
  injd_client *c = slot(d);
  c->fd = fd;
  c->state = INJD_READING;
  c->env = 0;
  c->envlen = 0;
  d->nclients++;
  fdwait_deadline(&c->deadline, (long long)d->timeout * 1000);
  int r = begin(d, c, cr.uid);
  if (r) injd_finish(d, c, r);
}

void injd_accept(injd *d)
{
  while (d->nclients < INJD_MAXCLIENTS) {
    int fd = accept4(d->lfd, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
        strerr_warnwu1sys("accept a connection");
      return;
    }
    take(d, fd);
  }
}

static int ended(injd_client *c)
{
  int r = qq_envelope_parse(&c->q, c->env, c->envlen, 0);
  c->env = 0;   /* the qq owns it now */
  if (r) return r;
  c->state = INJD_READY;
  return 0;
}

void injd_read(injd *d, injd_client *c)
{
  char buf[INJD_READ];
  injp_sink k = { sink_msg, sink_msg_end, sink_env, c };
  ssize_t n = read(c->fd, buf, sizeof buf);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    injd_finish(d, c, qq_fail(&c->q, QQ_READ, "read the message"));
    return;
  }
  if (!n) {
    /* the client left before its envelope was whole: nothing is queued */
    injd_finish(d, c, qq_failx(&c->q, QQ_READ, "read the message: the client left before its end"));
    return;
  }
  fdwait_deadline(&c->deadline, (long long)d->timeout * 1000);
  int r = injp_feed(&c->p, buf, (size_t)n, &k);
  if (!r && injp_done(&c->p)) r = ended(c);
  if (r) {
    if (r == INJP_EBIG && !c->q.what) {
      errno = ENOSPC;
      qq_fail(&c->q, r, "write the message: it would leave less than control/queueminfree free");
    }
    if (!c->q.what) qq_failx(&c->q, r, "read the message: the client broke the protocol");
    injd_finish(d, c, r);
  }
}

int injd_expire(injd *d)
{
  long long next = -1;
  for (unsigned i = 0; i < INJD_MAXCLIENTS; i++) {
    injd_client *c = &d->c[i];
    if (c->state != INJD_READING) continue;
    long long left = fdwait_left(&c->deadline);
    if (!left) {
      injd_finish(d, c, qq_failx(&c->q, QQ_TIMEOUT, "read the message: the client timed out"));
      continue;
    }
    if (next < 0 || left < next) next = left;
  }
  return next > 0x7fffffff ? 0x7fffffff : (int)next;
}
