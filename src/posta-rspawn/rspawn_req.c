/* rspawn_req: parse a spawn request. See rspawn_req.h. */
#include "posta-rspawn/rspawn_req.h"

#include <string.h>
#include <strings.h>

/* 1 and *v when s is 1 to 9 decimal digits. */
static int decimal(char const *s, unsigned long *v)
{
  size_t n = strlen(s);
  if (!n || n > 9) return 0;
  *v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    *v = *v * 10 + (unsigned long)(s[i] - '0');
  }
  return 1;
}

static char const *domain_of(char const *addr)
{
  char const *at = strrchr(addr, '@');
  return at && at[1] ? at + 1 : 0;
}

/* Reads the recipients from p to end; checks their domains. */
static int recipients(rspawn_req *r, char const *p, char const *end, char const **why)
{
  int bad = 0;
  while (p < end) {
    size_t n = strlen(p);
    char const *d = domain_of(p);
    if (!n) { *why = "empty recipient"; bad = 1; }
    else if (!d) { *why = "recipient without a domain"; bad = 1; }
    else if (!r->host) r->host = d;
    else if (strcasecmp(d, r->host)) { *why = "recipients of several domains"; bad = 1; }
    if (r->n < RSPAWN_RCPT_MAX) r->rcpt[r->n++] = p;
    r->ntotal++;
    p += n + 1;
  }
  if (!r->ntotal) { *why = "no recipient"; return -1; }
  if (r->ntotal > RSPAWN_RCPT_MAX) { *why = "too many recipients"; return -1; }
  return bad ? -1 : 0;
}

int rspawn_req_parse(rspawn_req *r, char const *buf, size_t len, char const **why)
{
  char const *end = buf + len;
  unsigned long id;
  memset(r, 0, sizeof *r);
  *why = "";
  if (!len || buf[len - 1]) { *why = "not NUL-terminated"; return -2; }
  if (!decimal(buf, &r->slot) || r->slot >= RSPAWN_SLOT_LIMIT) { *why = "bad slot"; return -2; }
  char const *p = buf + strlen(buf) + 1;
  if (p >= end) { *why = "no id"; return -1; }
  r->id = p;
  p += strlen(p) + 1;
  if (p >= end) { *why = "no sender"; return -1; }
  r->sender = p;
  p += strlen(p) + 1;
  int rr = recipients(r, p, end, why);
  if (rr < 0) return -1;
  if (!decimal(r->id, &id)) { *why = "bad id"; return -1; }
  if (len > RSPAWN_REQ_MAX) { *why = "request too long"; return -1; }
  return 0;
}
