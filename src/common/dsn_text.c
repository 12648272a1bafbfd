/* dsn_text: the human-readable first part of a notice, in plain English:
 * what happened, to which recipients and why (the remote server's words
 * quoted), what the sender can do, and, for a delay notice, that the mail
 * system keeps trying and until when. Texts from records are made 7-bit
 * (controls become spaces, 8-bit bytes '?'); addresses are copied as they
 * are, but for their control characters. Fails only through the buffer. */
#include "common/dsn.h"
#include "common/dsn_fmt.h"
#include "common/dsn_part.h"

#include <string.h>

static char const *const intro[] = {
  /* DSN_FAILED */
  "Your message could not be delivered to the recipients below. "
  "The mail system has given up: it will not try again.",
  /* DSN_DELAYED */
  "Your message has not yet been delivered to the recipients below. "
  "This is only a warning: the mail system keeps trying, "
  "and you do not need to send your message again.",
};

static char const intro_dbl[] =
  "A delivery status notification (a bounce) could not be delivered to "
  "the recipients below. Its envelope sender was empty (<>), so it cannot "
  "be returned to anybody: it comes to you, the postmaster, instead.";

static char const advice_failed[] =
  "What you can do: check each address above for typing mistakes, and send "
  "your message again to the corrected address. If the reason given above "
  "looks like a problem of the mail system rather than of the address, "
  "forward this notice to your mail administrator.";

static char const advice_dbl[] =
  "Usually the notice was addressed to a sender address that does not exist, "
  "and nothing needs to be done. No notice is ever sent about a failed "
  "notice of this kind: this is the last one about it.";

/* One paragraph: the text of p wrapped, then an empty line. */
static void para(dsn_buf *b, dsn_buf *p)
{
  if (p->err) { b->err = p->err; return; }
  dsn_fmt_wrap(b, "", p->s, p->len, DSN_WRAP);
  dsn_fmt_putc(b, '\n');
  p->len = 0;
}

static void quoted(dsn_buf *b, char const *text)
{
  dsn_buf t = DSN_BUF_ZERO;
  dsn_fmt_ascii(&t, text, strlen(text));
  if (t.err) b->err = t.err;
  else dsn_fmt_wrap(b, "    ", t.s, t.len, DSN_WRAP);
  dsn_buf_free(&t);
}

/* What went wrong for one recipient, as one wrapped line or more. */
static void why(dsn const *d, dsn_result const *r, dsn_buf *p)
{
  char dur[DSN_DURATION_MAX];
  char const *host;
  size_t hostlen = dsn_result_host(r, &host);
  int remote = dsn_result_remote(r);
  /* a temporary failure in a failure notice: the queue lifetime ran out
   * (posta-send marks it D but keeps the 4.x.x status) */
  if (d->kind == DSN_DELAYED || r->code == 'Z' || r->status[0] == '4') {
    if (d->kind == DSN_FAILED) {
      dsn_fmt_puts(p, "Delivery was still failing ");
      dsn_fmt_put(p, dur, dsn_fmt_duration(dur, d->now - d->arrival));
      dsn_fmt_puts(p, " after your message arrived, so the mail system gave up. ");
    }
    if (!*r->text) { dsn_fmt_puts(p, "It has not been attempted yet."); return; }
    dsn_fmt_puts(p, "The last attempt");
    if (remote) { dsn_fmt_puts(p, " ("); dsn_fmt_ascii(p, host, hostlen); dsn_fmt_putc(p, ')'); }
    dsn_fmt_puts(p, " said:");
    return;
  }
  if (dsn_result_smtp(r)) {
    dsn_fmt_puts(p, "The server ");
    dsn_fmt_ascii(p, host, hostlen);
    dsn_fmt_puts(p, " refused it, saying:");
  } else if (remote) {
    dsn_fmt_puts(p, "Delivery to ");
    dsn_fmt_ascii(p, host, hostlen);
    dsn_fmt_puts(p, *r->text ? " failed:" : " failed.");
  } else {
    dsn_fmt_puts(p, *r->text ? "Delivery failed:" : "Delivery failed.");
  }
}

static void recipient(dsn const *d, dsn_rcpt const *rc, dsn_buf *b)
{
  dsn_buf p = DSN_BUF_ZERO;
  dsn_result r;
  dsn_result_parse(rc->result, d->kind, &r);
  dsn_fmt_putc(&p, '<');
  dsn_fmt_puts(&p, rc->orig && *rc->orig ? rc->orig : rc->addr);
  dsn_fmt_putc(&p, '>');
  if (rc->orig && *rc->orig && strcmp(rc->orig, rc->addr)) {
    dsn_fmt_puts(&p, " (delivered here as <");
    dsn_fmt_puts(&p, rc->addr);
    dsn_fmt_puts(&p, ">)");
  }
  if (!p.err) dsn_fmt_wrap(b, "", p.s, p.len, DSN_WRAP);
  p.len = 0;
  why(d, &r, &p);
  if (!p.err) dsn_fmt_wrap(b, "    ", p.s, p.len, DSN_WRAP);
  if (p.err) b->err = p.err;
  dsn_buf_free(&p);
  if (*r.text) quoted(b, r.text);
  dsn_fmt_putc(b, '\n');
}

static void until(dsn const *d, dsn_buf *p)
{
  char date[DSN_DATE_MAX], dur[DSN_DURATION_MAX];
  dsn_fmt_puts(p, "The mail system will keep trying until ");
  dsn_fmt_put(p, date, dsn_fmt_date(date, d->until));
  dsn_fmt_puts(p, ", ");
  dsn_fmt_put(p, dur, dsn_fmt_duration(dur, d->until - d->arrival));
  dsn_fmt_puts(p, " after your message arrived. If it still cannot deliver it by "
              "then, it will give up and send you another notice.");
}

static void about_original(dsn const *d, dsn_orig const *o, dsn_buf *p)
{
  char date[DSN_DATE_MAX];
  dsn_fmt_puts(p, d->dbl ? "The notice arrived here on " : "Your message arrived here on ");
  dsn_fmt_put(p, date, dsn_fmt_date(date, d->arrival));
  dsn_fmt_puts(p, " (queue id ");
  dsn_fmt_putu(p, d->id);
  dsn_fmt_puts(p, "). ");
  if (o->what == DSN_ORIG_WHOLE) {
    dsn_fmt_puts(p, "It is attached below.");
  } else if (o->what == DSN_ORIG_HEADERS) {
    dsn_fmt_puts(p, "Its header section is attached below");
    if (o->toobig) {
      dsn_fmt_puts(p, ", not the whole of it: it is ");
      dsn_fmt_putu(p, d->msgsize);
      dsn_fmt_puts(p, " bytes long, and a notice returns a message only up to ");
      dsn_fmt_putu(p, d->limit);
      dsn_fmt_puts(p, " bytes");
    }
    dsn_fmt_putc(p, '.');
  } else {
    dsn_fmt_puts(p, d->msg ? "It had no header to attach." : "It is no longer in the queue, so it is not attached.");
  }
}

void dsn_text_part(dsn const *d, dsn_orig const *o, dsn_buf *b)
{
  dsn_buf p = DSN_BUF_ZERO;
  dsn_fmt_puts(&p, "This is the mail system at ");
  dsn_fmt_ascii(&p, d->me, strlen(d->me));
  dsn_fmt_putc(&p, '.');
  para(b, &p);
  dsn_fmt_puts(&p, d->dbl ? intro_dbl : intro[d->kind == DSN_DELAYED]);
  para(b, &p);
  for (size_t i = 0; i < d->nrcpt; i++) recipient(d, d->rcpt + i, b);
  if (d->kind == DSN_DELAYED) until(d, &p);
  else dsn_fmt_puts(&p, d->dbl ? advice_dbl : advice_failed);
  para(b, &p);
  about_original(d, o, &p);
  if (!p.err) dsn_fmt_wrap(b, "", p.s, p.len, DSN_WRAP);
  if (p.err) b->err = p.err;
  dsn_buf_free(&p);
}
