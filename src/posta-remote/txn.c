/* txn: one mail transaction. See txn.h. */
#include "posta-remote/txn.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "posta-remote/smtpcmd.h"

#define EIGHTBIT_NOTE " (8-bit content sent to a server that does not announce 8BITMIME)"

/* Settles with the server's last reply: every pending recipient, or only
 * the accepted ones. A 2xx or 3xx out of place counts as temporary. */
static void settle_reply(job *j, smtpc *c, int accepted_only, char const *where)
{
  char status[RESULT_STATUS_MAX], text[RESULT_TEXT_MAX + 1];
  unsigned int code = c->reply.code;
  char kind = code / 100 == 5 ? 'D' : 'Z';
  resultline_status(status, code, c->reply.text);
  resultline_textf(text, sizeof text, "%s%s", where, c->reply.text);
  if (accepted_only) job_settle_accepted(j, kind, status, c->mta, text);
  else job_settle(j, kind, status, c->mta, text);
}

static void lost(job *j, smtpc *c, char const *when)
{
  char text[RESULT_TEXT_MAX + 1];
  int e = errno;
  resultline_textf(text, sizeof text, "connection %s: %s", when,
           e == EPIPE || e == ECONNRESET ? "closed by the server" : e == ETIMEDOUT ? "timed out" :
           e == EPROTO ? "the server's reply is malformed" : strerror(e));
  job_settle(j, 'Z', "4.4.2", c->mta, text);
  smtpc_drop(c);
}

/* A refusal at RCPT is about that recipient: without an enhanced code of
 * the server's it gets X.2.0 or X.1.0 (mailbox, address), so that posta-send
 * does not take the destination for down (doc/protocols.md). */
static void rcpt_reply(job *j, smtpc *c, unsigned int i)
{
  char status[RESULT_STATUS_MAX];
  unsigned int code = c->reply.code;
  if (code / 100 == 2) { j->r[i].accepted = 1; return; }
  if (!resultline_status(status, code, c->reply.text) && code != 421)
    memcpy(status, code / 100 == 5 ? "5.1.0" : "4.2.0", 6);
  job_set(j, i, code / 100 == 5 ? 'D' : 'Z', status, c->mta, c->reply.text);
}

static unsigned int accepted(job const *j)
{
  unsigned int n = 0;
  for (unsigned int i = 0; i < j->n; i++) n += j->r[i].accepted && !j->r[i].kind;
  return n;
}

/* Marks the recipients to send. */
static unsigned int choose(job *j)
{
  unsigned int n = 0;
  for (unsigned int i = 0; i < j->n; i++) {
    j->r[i].sent = j->r[i].accepted = 0;
    if (j->r[i].kind) continue;
    j->r[i].sent = 1;
    n++;
  }
  return n;
}

int txn_check(job *j)
{
  char text[RESULT_TEXT_MAX + 1];
  char const *why = smtpcmd_problem(j->sender);
  if (why) {
    resultline_textf(text, sizeof text, "the sender address cannot be sent by SMTP: %s", why);
    job_settle(j, 'D', "5.1.7", "-", text);
    return 0;
  }
  for (unsigned int i = 0; i < j->n; i++) {
    why = *j->r[i].addr ? smtpcmd_problem(j->r[i].addr) : "it is empty";
    if (!why) continue;
    resultline_textf(text, sizeof text, "the address cannot be sent by SMTP: %s", why);
    job_set(j, i, 'D', "5.1.3", "-", text);
  }
  return job_pending(j) > 0;
}

static int put_mail(job *j, smtpc *c)
{
  char line[SMTPCMD_LINE_MAX];
  uint64_t size = c->features & SMTPC_SIZE ? j->msg.wiresize : 0;
  size_t n = smtpcmd_mail(line, sizeof line, j->sender, size, j->msg.eightbit && (c->features & SMTPC_8BITMIME));
  return netio_put(&c->io, line, n);
}

static int put_rcpt(job *j, smtpc *c, unsigned int i)
{
  char line[SMTPCMD_LINE_MAX];
  size_t n = smtpcmd_rcpt(line, sizeof line, j->r[i].addr);
  return netio_put(&c->io, line, n);
}

/* DATA refused, or nothing left to send: settled and closed (1). */
static int no_data(job *j, smtpc *c)
{
  if (accepted(j)) settle_reply(j, c, 1, "DATA refused: ");
  smtpc_quit(c);
  return 1;
}

/* The envelope, in one of two ways; each returns 0 when DATA was accepted,
 * 1 when the job is settled and the connection closed, or -1 when the
 * connection was lost. PIPELINING (RFC 2920): all commands at once, then
 * all replies in order. */
static int envelope_pipelined(job *j, smtpc *c)
{
  unsigned int mailcode, datacode;
  if (put_mail(j, c) < 0) return -1;
  for (unsigned int i = 0; i < j->n; i++)
    if (j->r[i].sent && put_rcpt(j, c, i) < 0) return -1;
  if (netio_puts(&c->io, "DATA\r\n") < 0 || netio_flush(&c->io) < 0) return -1;
  if (smtpc_read(c) < 0) return -1;
  mailcode = c->reply.code;
  if (mailcode / 100 != 2) settle_reply(j, c, 0, "MAIL FROM refused: ");
  for (unsigned int i = 0; i < j->n; i++) {
    if (!j->r[i].sent) continue;
    if (smtpc_read(c) < 0) return -1;
    if (mailcode / 100 == 2) rcpt_reply(j, c, i);
  }
  if (smtpc_read(c) < 0) return -1;
  datacode = c->reply.code;
  if (mailcode / 100 == 2 && accepted(j) && datacode == 354) return 0;
  /* a server in data mode although nothing is to be sent: drop it, a QUIT
   * would become the content of an empty message */
  if (datacode == 354) { smtpc_drop(c); return 1; }
  return no_data(j, c);
}

static int envelope_stepwise(job *j, smtpc *c)
{
  if (put_mail(j, c) < 0 || netio_flush(&c->io) < 0 || smtpc_read(c) < 0) return -1;
  if (c->reply.code / 100 != 2) {
    settle_reply(j, c, 0, "MAIL FROM refused: ");
    smtpc_quit(c);
    return 1;
  }
  for (unsigned int i = 0; i < j->n; i++) {
    if (!j->r[i].sent) continue;
    if (put_rcpt(j, c, i) < 0 || netio_flush(&c->io) < 0 || smtpc_read(c) < 0) return -1;
    rcpt_reply(j, c, i);
  }
  if (!accepted(j)) return no_data(j, c);
  if (smtpc_command(c, "DATA\r\n") < 0) return -1;
  return c->reply.code == 354 ? 0 : no_data(j, c);
}

static void body(job *j, smtpc *c)
{
  msgenc e = MSGENC_ZERO;
  char status[RESULT_STATUS_MAX], text[RESULT_TEXT_MAX + 1];
  while (!e.done) {
    if (NETIO_OUT - c->io.outlen < 5 && netio_flush(&c->io) < 0) goto lost;
    netio_wrote(&c->io, msgbody_encode(&e, j->msg.s, j->msg.len, c->io.out + c->io.outlen, NETIO_OUT - c->io.outlen));
  }
  if (netio_flush(&c->io) < 0) goto lost;
  if (smtpc_read(c) < 0) {
    lost(j, c, "lost after the end of the data, before the server's reply; the message may have been"
               " delivered all the same, so a duplicate may follow");
    return;
  }
  if (c->reply.code / 100 != 2) {
    settle_reply(j, c, 1, "");
    smtpc_quit(c);
    return;
  }
  resultline_status(status, c->reply.code, c->reply.text);
  resultline_textf(text, sizeof text, "%s%s [%s%s]", c->reply.text,
           j->msg.eightbit && !(c->features & SMTPC_8BITMIME) ? EIGHTBIT_NOTE : "",
           j->tlsnote[0] ? "TLS " : "no TLS", j->tlsnote);
  job_settle_accepted(j, 'K', status, c->mta, text);
  smtpc_quit(c);
  return;
lost:
  lost(j, c, "lost while sending the data");
}

static int too_big(job *j, smtpc *c)
{
  char text[RESULT_TEXT_MAX + 1];
  if (!(c->features & SMTPC_SIZE) || !c->sizemax || j->msg.wiresize <= c->sizemax) return 0;
  resultline_textf(text, sizeof text, "message of %" PRIu64 " bytes is larger than the server accepts (%s)",
           j->msg.wiresize, c->sizeline);
  job_settle(j, 'D', "5.3.4", c->mta, text);
  smtpc_quit(c);
  return 1;
}

void txn_run(job *j, smtpc *c)
{
  /* deliver_run checked already; a caller that did not gets it here, and a
   * line smtpcmd would not write never leaves a reply unmatched */
  if (!txn_check(j)) { smtpc_quit(c); return; }
  if (too_big(j, c)) return;
  if (!choose(j)) { smtpc_quit(c); return; }
  int r = c->features & SMTPC_PIPELINING ? envelope_pipelined(j, c) : envelope_stepwise(j, c);
  if (r < 0) lost(j, c, "lost during the envelope");
  else if (!r) body(j, c);
}
