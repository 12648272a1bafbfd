/* qr_format: posta-qread's text for one message, from its records. Pure:
 * no I/O. Every value is printed with its control characters turned into
 * '?', so that a record can never forge a line. Returns 0 or -1 (errno). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/rec.h"
#include "posta-qread/qr.h"
#include "sk/date822.h"

static int put(stralloc *out, char const *s)
{
  return stralloc_cats(out, s) ? 0 : -1;
}

static int put_clean(stralloc *out, char const *s, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    char c = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    if (!stralloc_append(out, c)) return -1;
  }
  return 0;
}

static int put_fmt(stralloc *out, char const *fmt, unsigned long long v)
{
  char buf[32];
  snprintf(buf, sizeof buf, fmt, v);
  return put(out, buf);
}

static int put_date(stralloc *out, char const *num)
{
  char d[DATE822_MAX];
  unsigned long long t = 0;
  if (sscanf(num, "%llu", &t) != 1 || !date822_utc(d, sizeof d, (time_t)t)) return put_clean(out, num, strlen(num));
  return put(out, d);
}

/* The fields every block starts with; t, s, F and u come from the record. */
typedef struct head_s head;
struct head_s {
  char const *t, *s, *F, *u;
};

static int put_head(stralloc *out, uint64_t id, head const *h)
{
  if (put_fmt(out, "message %llu\n  arrival: ", id) || put_date(out, h->t)) return -1;
  if (put(out, "\n  size: ") || put_clean(out, h->s, strlen(h->s))) return -1;
  if (put(out, "\n  sender: <") || put_clean(out, h->F, strlen(h->F)) || put(out, ">\n")) return -1;
  if (put(out, "  injected by: uid ") || put_clean(out, h->u, strlen(h->u)) || put(out, "\n")) return -1;
  return 0;
}

int qr_format_todo(stralloc *out, uint64_t id, uint64_t size, char const *todo, size_t len)
{
  rec r;
  char sz[24];
  size_t n, old = out->len;
  char const *f;
  head h = { "?", sz, "", "?" };
  if (rec_parse(&r, todo, len, "todo", 1) < 0) return -1;
  snprintf(sz, sizeof sz, "%llu", (unsigned long long)size);
  while ((f = rec_next(&r, &n))) {
    if (f[0] == 't') h.t = f + 1;
    else if (f[0] == 'F') h.F = f + 1;
    else if (f[0] == 'u') h.u = f + 1;
  }
  if (put_head(out, id, &h) || put(out, "  state: not yet preprocessed\n")) goto fail;
  r.pos = 0;
  while ((f = rec_next(&r, &n)))
    if (f[0] == 'T' && (put(out, "  recipient <") || put_clean(out, f + 1, n - 1)
                        || put(out, ">: not yet preprocessed\n"))) goto fail;
  if (put(out, "\n")) goto fail;
  return 0;
fail:
  out->len = old;
  return -1;
}

typedef struct rcpt_s rcpt;
struct rcpt_s {
  char const *A, *S, *n, *w, *e;
};

static struct { char code; char const *text; } const states[] = {
  { 'P', "pending" },
  { 'D', "delivered" },
  { 'B', "failed, bounced" },
};

static int put_rcpt(stralloc *out, char const *kind, rcpt const *c)
{
  char const *state = "unknown state";
  for (size_t i = 0; i < sizeof states / sizeof *states; i++)
    if (c->S[0] == states[i].code && !c->S[1]) state = states[i].text;
  if (put(out, "  ") || put(out, kind) || put(out, " <") || put_clean(out, c->A, strlen(c->A))
      || put(out, ">: ") || put(out, state) || put(out, ", attempts ") || put_clean(out, c->n, strlen(c->n)))
    return -1;
  if (!strcmp(c->S, "P") && strcmp(c->w, "0") && (put(out, ", next attempt ") || put_date(out, c->w))) return -1;
  if (c->e[0] && (put(out, ", last result: ") || put_clean(out, c->e, strlen(c->e)))) return -1;
  return put(out, "\n");
}

/* Every recipient of a local or remote record. */
static int put_rcpts(stralloc *out, char const *kind, char const *buf, size_t len)
{
  rec r;
  size_t n;
  char const *f;
  rcpt c = { 0, "", "0", "0", "" };
  if (rec_parse(&r, buf, len, "rcpt", 1) < 0) return -1;
  while ((f = rec_next(&r, &n))) {
    if (f[0] == 'A') {
      if (c.A && put_rcpt(out, kind, &c)) return -1;
      c = (rcpt){ f + 1, "", "0", "0", "" };
    } else if (f[0] == 'S') c.S = f + 1;
    else if (f[0] == 'n') c.n = f + 1;
    else if (f[0] == 'w') c.w = f + 1;
    else if (f[0] == 'e') c.e = f + 1;
  }
  return c.A ? put_rcpt(out, kind, &c) : 0;
}

int qr_format_info(stralloc *out, uint64_t id, char const *info, size_t ilen,
                   char const *local, size_t llen, char const *remote, size_t rlen)
{
  rec r;
  size_t n, old = out->len;
  char const *f, *d = "0", *held = "0", *rm = "0";
  head h = { "?", "?", "", "?" };
  if (rec_parse(&r, info, ilen, "info", 1) < 0) return -1;
  while ((f = rec_next(&r, &n))) {
    switch (f[0]) {
      case 't': h.t = f + 1; break;
      case 's': h.s = f + 1; break;
      case 'F': h.F = f + 1; break;
      case 'u': h.u = f + 1; break;
      case 'd': d = f + 1; break;
      case 'h': held = f + 1; break;
      case 'x': rm = f + 1; break;
    }
  }
  if (put_head(out, id, &h) || put(out, "  state: preprocessed")) goto fail;
  if (!strcmp(held, "1") && put(out, ", held")) goto fail;
  if (!strcmp(rm, "1") && put(out, ", to be removed")) goto fail;
  if (strcmp(d, "0") && (put(out, ", delay notice sent ") || put_date(out, d))) goto fail;
  if (put(out, "\n")) goto fail;
  if (local && put_rcpts(out, "local", local, llen)) goto fail;
  if (remote && put_rcpts(out, "remote", remote, rlen)) goto fail;
  if (put(out, "\n")) goto fail;
  return 0;
fail:
  out->len = old;
  return -1;
}
