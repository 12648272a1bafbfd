/* dsn_status: the message/delivery-status part (RFC 3464 section 2) built
 * from parsed RESULT lines (dsn_result.c): the per-message fields, then
 * one block per recipient. Every value is printable ASCII: addresses are
 * typed (rfc822, or utf-8 with RFC 6533's escapes), texts from remote
 * servers have their control characters and 8-bit bytes replaced. Never
 * fails but through the buffer's err. */
#include "common/dsn.h"
#include "common/dsn_fmt.h"
#include "common/dsn_part.h"

#include <stdio.h>
#include <string.h>

static void field_date(dsn_buf *b, char const *name, int64_t t)
{
  char date[DSN_DATE_MAX];
  dsn_fmt_field(b, name, date, dsn_fmt_date(date, t));
}

/* name: "TYPE; " and text made 7-bit */
static void field_typed(dsn_buf *b, char const *name, char const *type, char const *text, size_t len)
{
  dsn_buf v = DSN_BUF_ZERO;
  dsn_fmt_puts(&v, type);
  dsn_fmt_puts(&v, "; ");
  dsn_fmt_ascii(&v, text, len);
  if (v.err) b->err = v.err;
  else dsn_fmt_field(b, name, v.s, v.len);
  dsn_buf_free(&v);
}

static void field_addr(dsn_buf *b, char const *name, char const *addr)
{
  dsn_buf v = DSN_BUF_ZERO;
  dsn_fmt_addr_typed(&v, addr);
  if (v.err) b->err = v.err;
  else dsn_fmt_field(b, name, v.s, v.len);
  dsn_buf_free(&v);
}

static void recipient(dsn const *d, dsn_rcpt const *rc, dsn_buf *b)
{
  dsn_result r;
  char const *host;
  size_t hostlen;
  dsn_result_parse(rc->result, d->kind, &r);
  if (rc->orig && *rc->orig && strcmp(rc->orig, rc->addr))
    field_addr(b, "Original-Recipient", rc->orig);
  field_addr(b, "Final-Recipient", rc->addr);
  dsn_fmt_fields(b, "Action", d->kind == DSN_DELAYED ? "delayed" : "failed");
  dsn_fmt_fields(b, "Status", r.status);
  if (dsn_result_remote(&r)) {
    hostlen = dsn_result_host(&r, &host);
    field_typed(b, "Remote-MTA", "dns", host, hostlen);
  }
  if (*r.text)
    field_typed(b, "Diagnostic-Code", dsn_result_smtp(&r) ? "smtp" : "x-posta", r.text, strlen(r.text));
  if (d->kind == DSN_DELAYED) field_date(b, "Will-Retry-Until", d->until);
}

void dsn_status_part(dsn const *d, dsn_buf *b)
{
  char id[24];
  int n = snprintf(id, sizeof id, "%llu", (unsigned long long)d->id);
  field_typed(b, "Reporting-MTA", "dns", d->me, strlen(d->me));
  dsn_fmt_field(b, "X-Posta-Queue-ID", id, (size_t)n);
  field_date(b, "Arrival-Date", d->arrival);
  for (size_t i = 0; i < d->nrcpt; i++) {
    dsn_fmt_putc(b, '\n');
    recipient(d, d->rcpt + i, b);
  }
}
