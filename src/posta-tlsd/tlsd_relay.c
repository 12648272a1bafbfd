/* tlsd_relay: copies between the client and posta-smtpd.
 *
 * Two fixed buffers, one each way; nothing grows with what either side
 * sends. Every descriptor is non-blocking and each turn of the loop first
 * moves what it can, then waits (poll) for what it needs, at most the
 * timeout: a session where nothing moves for that long ends. When the
 * client is gone, posta-smtpd's input is closed and its last words are
 * thrown away; when posta-smtpd is gone, what it said is written out, the
 * TLS session closed, and the relay ends. A control message from
 * posta-smtpd while in plain text starts TLS (tlsd_switch). See tlsd.h. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "posta-tlsd/tlsd.h"

#define CLOSE_WAIT_MS 1000

typedef struct relay_s relay;
struct relay_s {
  tlsd_buf n2a, a2n;     /* net to app, app to net */
  short rwant, wwant;    /* what the socket must show before we try again */
  int toapp_blocked;     /* the last write to posta-smtpd found no room */
  int fromapp_wait;      /* posta-smtpd had nothing more to say */
  int net_eof, net_dead, app_eof;
};

static short want(ssize_t r)
{
  return r == TLS_WANT_POLLIN ? POLLIN : POLLOUT;
}

/* The client's side: read when there is room, write what waits. */
static void net_side(tlsd *t, relay *x)
{
  if (!x->net_eof && !x->net_dead && !x->rwant && x->n2a.len == 0) {
    ssize_t r = tlsd_net_read(t, x->n2a.s, sizeof x->n2a.s);
    if (r > 0) { x->n2a.pos = 0; x->n2a.len = (size_t)r; }
    else if (!r) x->net_eof = 1;
    else if (r == TLS_WANT_POLLIN || r == TLS_WANT_POLLOUT) x->rwant = want(r);
    else x->net_dead = 1;
  }
  while (!x->net_dead && !x->wwant && x->a2n.pos < x->a2n.len) {
    ssize_t r = tlsd_net_write(t, x->a2n.s + x->a2n.pos, x->a2n.len - x->a2n.pos);
    if (r > 0) x->a2n.pos += (size_t)r;
    else if (r == TLS_WANT_POLLIN || r == TLS_WANT_POLLOUT) x->wwant = want(r);
    else x->net_dead = 1;
  }
  if (x->a2n.pos == x->a2n.len || x->net_dead) x->a2n.pos = x->a2n.len = 0;
}

/* End of file for posta-smtpd: a pipe closed, or (-w) the socket shut
 * for writing, its other descriptor still ours for reading. */
static void app_close_in(tlsd *t)
{
  shutdown(t->toapp, SHUT_WR);
  close(t->toapp);
  t->toapp = -1;
}

/* posta-smtpd's side: hand over what the client said, take its replies. */
static void app_side(tlsd *t, relay *x)
{
  while (t->toapp >= 0 && !x->toapp_blocked && x->n2a.pos < x->n2a.len) {
    ssize_t r = write(t->toapp, x->n2a.s + x->n2a.pos, x->n2a.len - x->n2a.pos);
    if (r > 0) x->n2a.pos += (size_t)r;
    else if (r < 0 && errno == EINTR) continue;
    else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) x->toapp_blocked = 1;
    else app_close_in(t);
  }
  if (x->n2a.pos == x->n2a.len || t->toapp < 0) x->n2a.pos = x->n2a.len = 0;
  if ((x->net_eof || x->net_dead) && !x->n2a.len && t->toapp >= 0) app_close_in(t);
  if (!x->app_eof && !x->fromapp_wait && x->a2n.len == 0) {
    ssize_t r = read(t->fromapp, x->a2n.s, sizeof x->a2n.s);
    if (r > 0) { x->a2n.pos = 0; x->a2n.len = (size_t)r; if (x->net_dead) x->a2n.len = 0; }
    else if (!r) x->app_eof = 1;
    else if (errno == EAGAIN || errno == EWOULDBLOCK) x->fromapp_wait = 1;
    else if (errno != EINTR) x->app_eof = 1;
  }
}

/* A control message: 1 go on, 0 the session ends. */
static int control(tlsd *t, relay *x)
{
  char line[TLSD_CTL_MAX];
  ssize_t n = tlsd_ctl_read(t, line, sizeof line);
  if (!n) {
    /* posta-smtpd is ending: its last replies still come on its output */
    close(t->ctl);
    t->ctl = -1;
    return 1;
  }
  if (n < 0 || t->conn || line[0] != 'S') return 0;
  x->rwant = x->wwant = 0;
  x->fromapp_wait = x->toapp_blocked = 0;
  if (tlsd_switch(t, &x->a2n, &x->n2a, line + 1, (size_t)n - 1) < 0) return 0;
  return 1;
}

static int done(tlsd const *t, relay const *x)
{
  return x->app_eof && (x->net_dead || !x->a2n.len);
}

/* 1 when a read or a write may be tried at once. */
static int can_move(tlsd const *t, relay const *x)
{
  if (!x->net_eof && !x->net_dead && !x->rwant && !x->n2a.len) return 1;
  if (!x->net_dead && !x->wwant && x->a2n.pos < x->a2n.len) return 1;
  if (t->toapp >= 0 && !x->toapp_blocked && x->n2a.pos < x->n2a.len) return 1;
  return !x->app_eof && !x->fromapp_wait && !x->a2n.len;
}

/* Waits for something to move: 1, or 0 on timeout or error. */
static int wait_any(tlsd *t, relay *x, int *ctlready)
{
  struct pollfd p[5];
  unsigned n = 0;
  int inet = -1, onet = -1, iapp = -1, oapp = -1, ictl = -1;
  if (x->rwant) { inet = n; p[n++] = (struct pollfd){ t->netin, x->rwant, 0 }; }
  if (x->wwant) { onet = n; p[n++] = (struct pollfd){ t->netout, x->wwant, 0 }; }
  if (x->fromapp_wait && !x->app_eof) { iapp = n; p[n++] = (struct pollfd){ t->fromapp, POLLIN, 0 }; }
  if (x->toapp_blocked && t->toapp >= 0) { oapp = n; p[n++] = (struct pollfd){ t->toapp, POLLOUT, 0 }; }
  if (t->ctl >= 0 && !t->conn) { ictl = n; p[n++] = (struct pollfd){ t->ctl, POLLIN, 0 }; }
  int now = can_move(t, x);
  if (!n && now) return 1;
  int r = poll(p, n, now ? 0 : (int)t->timeout * 1000);
  if (r < 0) return errno == EINTR;
  if (!r) return now;
  if (inet >= 0 && p[inet].revents) x->rwant = 0;
  if (onet >= 0 && p[onet].revents) x->wwant = 0;
  if (iapp >= 0 && p[iapp].revents) x->fromapp_wait = 0;
  if (oapp >= 0 && p[oapp].revents) x->toapp_blocked = 0;
  *ctlready = ictl >= 0 && p[ictl].revents;
  return 1;
}

void tlsd_relay(tlsd *t)
{
  static relay x;
  /* -w: nothing of the last connection */
  memset(&x, 0, sizeof x);
  for (;;) {
    int ctlready = 0;
    net_side(t, &x);
    app_side(t, &x);
    if (done(t, &x)) break;
    if (!wait_any(t, &x, &ctlready)) break;
    if (ctlready && !control(t, &x)) break;
  }
  if (t->conn && !x.net_dead) {
    /* close_notify, best effort: the client may be gone already */
    for (int i = 0; i < 4; i++) {
      int r = tls_close(t->conn);
      if (r != TLS_WANT_POLLIN && r != TLS_WANT_POLLOUT) break;
      struct pollfd p = { t->netout, r == TLS_WANT_POLLIN ? POLLIN : POLLOUT, 0 };
      if (poll(&p, 1, CLOSE_WAIT_MS) <= 0) break;
    }
  }
  explicit_bzero(&x, sizeof x);
}
