/* dsn_status: RESULT lines taken apart, and the message/delivery-status
 * part (RFC 3464 section 2) built from them: the per-message fields, then
 * one block per recipient. Every value is printable ASCII: addresses are
 * typed (rfc822, or utf-8 with RFC 6533's escapes), texts from remote
 * servers have their control characters and 8-bit bytes replaced. Never
 * fails but through the buffer's err. */
#include "common/dsn.h"
#include "common/dsn_fmt.h"
#include "common/dsn_part.h"

#include <stdio.h>
#include <string.h>

static int digit(char c)
{
  return c >= '0' && c <= '9';
}

/* 1-3 digits at s; returns how many, 0 when none or more than 3 */
static size_t digits(char const *s)
{
  size_t n = 0;
  while (n < 4 && digit(s[n])) n++;
  return n >= 1 && n <= 3 ? n : 0;
}

/* "C.S.D" at s, C in 2, 4, 5: its length, or 0 */
static size_t status_len(char const *s)
{
  size_t a, b;
  if (s[0] != '2' && s[0] != '4' && s[0] != '5') return 0;
  if (s[1] != '.') return 0;
  a = digits(s + 2);
  if (!a || s[2 + a] != '.') return 0;
  b = digits(s + 3 + a);
  if (!b) return 0;
  return 3 + a + b;
}

void dsn_result_parse(char const *line, int kind, dsn_result *r)
{
  size_t n;
  char const *p;
  r->code = '?';
  strcpy(r->status, kind == DSN_DELAYED ? "4.0.0" : "5.0.0");
  r->mta = "-";
  r->mtalen = 1;
  r->text = line;
  if (line[0] != 'K' && line[0] != 'Z' && line[0] != 'D') return;
  n = status_len(line + 1);
  if (!n || n >= sizeof r->status || (line[1 + n] && line[1 + n] != ' ')) return;
  r->code = line[0];
  memcpy(r->status, line + 1, n);
  r->status[n] = 0;
  p = line + 1 + n;
  if (*p) p++;
  r->text = p + strlen(p);
  if (!*p) return;
  r->mta = p;
  while (*p && *p != ' ') p++;
  r->mtalen = (size_t)(p - r->mta);
  if (*p) p++;
  r->text = p;
}

int dsn_result_remote(dsn_result const *r)
{
  return !(r->mtalen == 1 && r->mta[0] == '-') && r->mtalen > 0;
}

int dsn_result_smtp(dsn_result const *r)
{
  char const *t = r->text;
  if (!dsn_result_remote(r)) return 0;
  if (t[0] < '2' || t[0] > '5' || !digit(t[1]) || !digit(t[2])) return 0;
  return !t[3] || t[3] == ' ' || t[3] == '-';
}

size_t dsn_result_host(dsn_result const *r, char const **host)
{
  char const *br = memchr(r->mta, '[', r->mtalen);
  *host = r->mta;
  if (!br || br == r->mta) return r->mtalen;
  return (size_t)(br - r->mta);
}

static void field_date(dsn_buf *b, char const *name, int64_t t)
{
  char date[DSN_DATE_MAX];
  dsn_field(b, name, date, dsn_date(date, t));
}

/* name: "TYPE; " and text made 7-bit */
static void field_typed(dsn_buf *b, char const *name, char const *type, char const *text, size_t len)
{
  dsn_buf v = DSN_BUF_ZERO;
  dsn_puts(&v, type);
  dsn_puts(&v, "; ");
  dsn_ascii(&v, text, len);
  if (v.err) b->err = v.err;
  else dsn_field(b, name, v.s, v.len);
  dsn_buf_free(&v);
}

static void field_addr(dsn_buf *b, char const *name, char const *addr)
{
  dsn_buf v = DSN_BUF_ZERO;
  dsn_addr_typed(&v, addr);
  if (v.err) b->err = v.err;
  else dsn_field(b, name, v.s, v.len);
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
  dsn_fields(b, "Action", d->kind == DSN_DELAYED ? "delayed" : "failed");
  dsn_fields(b, "Status", r.status);
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
  dsn_field(b, "X-Posta-Queue-ID", id, (size_t)n);
  field_date(b, "Arrival-Date", d->arrival);
  for (size_t i = 0; i < d->nrcpt; i++) {
    dsn_putc(b, '\n');
    recipient(d, d->rcpt + i, b);
  }
}
