/* dsn: one whole notice, headers and parts. See dsn.h.
 *
 * The parts are built first (dsn_text.c, dsn_status.c, dsn_orig.c), then a
 * boundary that occurs in none of them is chosen, deterministically, and
 * the message is assembled: header fields, a preamble, the three parts.
 * Returns 0 or -1 with errno; never exits, never reads a clock or a file. */
#include "common/dsn.h"
#include "common/dsn_fmt.h"
#include "common/dsn_part.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOUNDARY_MAX 70   /* RFC 2046 */
#define BOUNDARY_TRIES 100000

static char const *const subjects[] = {
  "Undelivered mail returned to sender",
  "Delayed mail (still being retried)",
};

static int occurs(char const *s, size_t len, char const *b)
{
  return s && memmem(s, len, b, strlen(b)) != 0;
}

/* "=_posta-ID-NOW-K" for the first K that occurs in no part */
static int boundary(dsn const *d, dsn_buf const *text, dsn_buf const *status,
                    dsn_orig const *o, char *b)
{
  for (unsigned k = 0; k < BOUNDARY_TRIES; k++) {
    snprintf(b, BOUNDARY_MAX + 1, "=_posta-%llu-%lld-%u",
             (unsigned long long)d->id, (long long)d->now, k);
    if (!occurs(text->s, text->len, b) && !occurs(status->s, status->len, b)
        && !occurs(o->s, o->len, b))
      return 0;
  }
  errno = EINVAL;
  return -1;
}

static void angle(dsn_buf *b, char const *name, char const *before, char const *addr)
{
  dsn_buf v = DSN_BUF_ZERO;
  dsn_fmt_puts(&v, before);
  dsn_fmt_putc(&v, '<');
  dsn_fmt_puts(&v, addr);
  dsn_fmt_putc(&v, '>');
  if (v.err) b->err = v.err;
  else dsn_fmt_field(b, name, v.s, v.len);
  dsn_buf_free(&v);
}

static void headers(dsn const *d, char const *bnd, dsn_buf *b)
{
  char date[DSN_DATE_MAX];
  angle(b, "From", "Mail Delivery System ", d->from);
  angle(b, "To", "", d->to);
  dsn_fmt_fields(b, "Subject", d->dbl ? "Postmaster notify: undeliverable bounce" : subjects[d->kind == DSN_DELAYED]);
  dsn_fmt_field(b, "Date", date, dsn_fmt_date(date, d->now));
  angle(b, "Message-ID", "", d->msgid);
  dsn_fmt_fields(b, "Auto-Submitted", "auto-replied");
  dsn_fmt_fields(b, "MIME-Version", "1.0");
  dsn_fmt_puts(b, "Content-Type: multipart/report; report-type=delivery-status;\n boundary=\"");
  dsn_fmt_puts(b, bnd);
  dsn_fmt_puts(b, "\"\n\nThis is a MIME-encapsulated delivery status notification.\n");
}

static void part_head(dsn_buf *b, char const *bnd, char const *type, char const *desc, int eightbit)
{
  dsn_fmt_puts(b, "\n--");
  dsn_fmt_puts(b, bnd);
  dsn_fmt_puts(b, "\nContent-Type: ");
  dsn_fmt_puts(b, type);
  dsn_fmt_puts(b, "\nContent-Description: ");
  dsn_fmt_puts(b, desc);
  if (eightbit >= 0) {
    dsn_fmt_puts(b, "\nContent-Transfer-Encoding: ");
    dsn_fmt_puts(b, eightbit ? "8bit" : "7bit");
  }
  dsn_fmt_puts(b, "\n\n");
}

static void part_body(dsn_buf *b, char const *s, size_t len)
{
  dsn_fmt_put(b, s, len);
  if (len && s[len - 1] != '\n') dsn_fmt_putc(b, '\n');
}

static void assemble(dsn const *d, char const *bnd, dsn_buf const *text,
                     dsn_buf const *status, dsn_orig const *o, dsn_buf *b)
{
  int t8 = dsn_fmt_has8bit(text->s, text->len);
  headers(d, bnd, b);
  part_head(b, bnd, t8 ? "text/plain; charset=utf-8" : "text/plain; charset=us-ascii",
            "Notification", t8);
  part_body(b, text->s, text->len);
  part_head(b, bnd, "message/delivery-status", "Delivery report", -1);
  part_body(b, status->s, status->len);
  if (o->what == DSN_ORIG_WHOLE) {
    part_head(b, bnd, "message/rfc822", d->dbl ? "Undelivered notice" : "Undelivered message", o->eightbit);
    part_body(b, o->s, o->len);
  } else if (o->what == DSN_ORIG_HEADERS) {
    part_head(b, bnd, "text/rfc822-headers",
              d->kind == DSN_DELAYED ? "Header section of the delayed message"
                                     : "Header section of the undelivered message",
              o->eightbit);
    part_body(b, o->s, o->len);
  }
  dsn_fmt_puts(b, "\n--");
  dsn_fmt_puts(b, bnd);
  dsn_fmt_puts(b, "--\n");
}

int dsn_compose(dsn const *d, dsn_buf *out)
{
  dsn_buf text = DSN_BUF_ZERO, status = DSN_BUF_ZERO;
  dsn_orig o;
  char bnd[BOUNDARY_MAX + 1];
  int r = -1;
  if (!d->nrcpt) { errno = EINVAL; return -1; }
  if (dsn_orig_prepare(d, &o) < 0) { errno = ENOMEM; return -1; }
  dsn_text_part(d, &o, &text);
  dsn_status_part(d, &status);
  if (text.err || status.err) { errno = ENOMEM; goto end; }
  if (boundary(d, &text, &status, &o, bnd) < 0) goto end;
  assemble(d, bnd, &text, &status, &o, out);
  if (out->err) { errno = out->err; goto end; }
  r = 0;
end:
  dsn_buf_free(&text);
  dsn_buf_free(&status);
  dsn_orig_free(&o);
  return r;
}

void dsn_buf_free(dsn_buf *b)
{
  free(b->s);
  b->s = 0;
  b->len = b->a = 0;
  b->err = 0;
}
