/* smtpd_datacmd: the DATA command, from 354 to the final reply.
 *
 * The injector is started before 354 (a failure is 451 at once), gets our
 * Received line, then the message as smtpd_data cleans it, as it arrives:
 * nothing is held in memory. Input the client sent after DATA without
 * waiting for 354 is thrown away unread as commands, and the message is
 * then refused (554 5.5.0): a message whose start was thrown away must not
 * be queued. A message found bad on the way (too big, a line too long, a
 * NUL, too many Received lines) is still read to its end, but the injector
 * is abandoned at once, without an envelope, so nothing of it is queued.
 * 250 is said only after the injector exited 0. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <skalibs/strerr.h>

#include "posta-smtpd/smtpd.h"
#include "posta-smtpd/smtpd_data.h"
#include "posta-smtpd/smtpd_queue.h"
#include "posta-smtpd/smtpd_received.h"

#define RECV_END 0
#define RECV_BARE 1
#define RECV_EOF 2
#define RECV_ERROR 3

static void received(smtpd *s, smtpd_inj *j)
{
  char line[SMTPD_RECEIVED_MAX];
  smtpd_received r = {
    .helo = s->helo, .remotehost = s->remotehost, .remoteip = s->remoteip,
    .localip = s->localip, .me = s->dom.me,
    .proto = smtpd_received_proto(s->greeted, s->mailopts & SMTPD_MAIL_UTF8, s->tls.on, !!s->auth.user[0]),
    .tlsversion = s->tls.on ? s->tls.version : 0, .tlscipher = s->tls.on ? s->tls.cipher : 0,
    .rcpt = s->nrcpt == 1 ? s->rcpts + 1 : 0, .when = time(0),
  };
  smtpd_queue_put(j, line, smtpd_received_fmt(line, &r));
}

static int bad(smtpd_data const *d)
{
  return d->flags || d->hops > SMTPD_MAXHOPS;
}

/* Reads the message to its end, feeding the injector while it is good. */
static int receive(smtpd *s, smtpd_inj *j, smtpd_data *d)
{
  char out[SIO_SIZE];
  for (;;) {
    if (!sio_avail(&s->in)) {
      ssize_t r = smtpd_io_fill(&s->in);
      if (r <= 0) return r ? RECV_ERROR : RECV_EOF;
    }
    size_t used, olen;
    int r = smtpd_data_feed(d, s->in.buf + s->in.pos, sio_avail(&s->in), &used, out, &olen);
    s->in.pos += used;
    if (bad(d)) { if (!j->broken) smtpd_queue_abort(j); }
    else smtpd_queue_put(j, out, olen);
    if (r == DATA_END) return RECV_END;
    if (r == DATA_BARE) return RECV_BARE;
  }
}

/* The refusal for a message read whole but not to be queued, or 0. */
static char const *refusal(smtpd_data const *d, int early)
{
  if (early) return "554 5.5.0 message refused: data sent before the 354 reply (RFC 2920)";
  if (d->flags & DATA_F_TOOBIG) return "552 5.3.4 message size exceeds fixed maximum message size";
  if (d->flags & DATA_F_TOOLONG) return "554 5.6.0 message refused: a line is longer than control/maxline allows";
  if (d->flags & DATA_F_NUL) return "554 5.6.0 message refused: it holds a NUL octet";
  if (d->hops > SMTPD_MAXHOPS) return "554 5.4.6 too many Received lines: mail loop?";
  return 0;
}

/* The recipients as " to <A> <B> ...", escaped, cut with " ..." when
 * they do not fit in size bytes. */
static void rcpt_list(smtpd const *s, char *out, size_t size)
{
  char one[ADDR_MAX * ESC_MAX + 4];
  size_t n = (size_t)snprintf(out, size, " to");
  for (size_t i = 0; i < s->rcpts_len; i += strlen(s->rcpts + i) + 1) {
    size_t m = esc_copy(one, sizeof one, s->rcpts + i + 1, strlen(s->rcpts + i + 1), ESC_ADDR);
    if (n + m + 3 + 5 > size) { memcpy(out + n, " ...", 5); return; }
    out[n++] = ' ';
    out[n++] = '<';
    memcpy(out + n, one, m);
    n += m;
    out[n++] = '>';
    out[n] = 0;
  }
}

/* what: "accepted message", "refused message", "queue failed for
 * message"; the queue id when it is known; why: the reply refusing it, or
 * "". */
static void log_result(smtpd *s, smtpd_inj const *j, smtpd_data const *d, char const *what, char const *why)
{
  char ip[64], from[ADDR_MAX + 1], pid[24], n[24], size[24], id[32], to[2048];
  esc_str(ip, sizeof ip, s->remoteip, ESC_WORD);
  esc_str(from, sizeof from, s->sender, ESC_WORD);
  snprintf(pid, sizeof pid, "%ld", (long)j->pid);
  snprintf(n, sizeof n, "%zu", s->nrcpt);
  snprintf(size, sizeof size, "%llu", (unsigned long long)d->size);
  id[0] = 0;
  if (j->id) snprintf(id, sizeof id, " msg %llu", (unsigned long long)j->id);
  rcpt_list(s, to, sizeof to);
  strerr_warni(what, " qp ", pid, " from ", ip, " sender <", from, "> rcpts ", n, " bytes ", size, id, to, *why ? ": " : "", why);
}

static void finish(smtpd *s, smtpd_inj *j, smtpd_data const *d, int early)
{
  char why[16], pid[24], now[24], reply[96];
  char const *no = refusal(d, early);
  if (no) {
    smtpd_queue_abort(j);
    smtpd_queue_wait(j);
    log_result(s, j, d, "refused message", no);
    smtpd_reply(s, no);
    return;
  }
  int committed = smtpd_queue_commit(j, s->sender, s->sender_len, s->rcpts, s->rcpts_len) == 0;
  int st = smtpd_queue_wait(j);
  if (!committed || st) {
    char const *r = st ? smtpd_queue_reply(st, why) : "451 4.3.0 unable to write to the queue";
    snprintf(reply, sizeof reply, st ? "%s (%s)" : "%s", r, why);
    log_result(s, j, d, "queue failed for message", reply);
    smtpd_reply(s, reply);
    return;
  }
  log_result(s, j, d, "accepted message", "");
  if (j->id) {
    /* Postfix's "queued as": the id every line of the message's log names */
    snprintf(now, sizeof now, "%llu", (unsigned long long)j->id);
    smtpd_reply(s, "250 2.0.0 ok queued as ", now);
    return;
  }
  /* posta-queue run as a child does not say the id it took */
  snprintf(pid, sizeof pid, "%ld", (long)j->pid);
  snprintf(now, sizeof now, "%lld", (long long)time(0));
  smtpd_reply(s, "250 2.0.0 ok ", now, " qp ", pid);
}

static void lost(smtpd *s, smtpd_inj *j, int how)
{
  char ip[64];
  int e = errno;
  smtpd_queue_abort(j);
  smtpd_queue_wait(j);
  s->quit = 1;
  if (how == RECV_BARE || (how == RECV_ERROR && e == ETIMEDOUT)) {
    smtpd_session_closing(s, how == RECV_BARE, "DATA");
    return;
  }
  esc_str(ip, sizeof ip, s->remoteip, ESC_WORD);
  strerr_warnw("session from ", ip, " lost in DATA: nothing queued");
}

void smtpd_datacmd_run(smtpd *s, char *arg, size_t len)
{
  smtpd_inj j;
  smtpd_data d;
  if (len) { smtpd_fail(s, "501 5.5.4 syntax: DATA takes no argument"); return; }
  if (!s->inmail) { smtpd_fail(s, "503 5.5.1 send MAIL first"); return; }
  if (!s->nrcpt) { smtpd_fail(s, "554 5.5.1 no valid recipients"); return; }
  if (smtpd_queue_start(&j, s->injector, (unsigned)s->cfg.timeout, s->injectd) < 0) {
    strerr_warnwusys("run ", s->injector);
    smtpd_reply(s, "451 4.3.0 unable to run the queue");
    return;
  }
  received(s, &j);
  int early = smtpd_io_drop(&s->in) > 0;
  if (early) smtpd_queue_abort(&j);
  smtpd_reply(s, "354 go ahead, end with <CRLF>.<CRLF>");
  if (smtpd_io_flush(&s->out) < 0) s->quit = 1;
  smtpd_data_init(&d, s->cfg.linemax, s->cfg.databytes);
  int r = s->quit ? RECV_EOF : receive(s, &j, &d);
  if (r == RECV_END) finish(s, &j, &d, early);
  else lost(s, &j, r);
  smtpd_session_reset(s);
}
