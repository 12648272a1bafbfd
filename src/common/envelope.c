/* envelope: parse and check an injection envelope. See envelope.h. */
#include "common/envelope.h"

#include <string.h>

size_t envelope_maxrcpt(unsigned long setting)
{
  if (!setting || setting > ENVELOPE_RCPT_HARDMAX) return ENVELOPE_RCPT_HARDMAX;
  return setting < ENVELOPE_RCPT_MIN ? ENVELOPE_RCPT_MIN : (size_t)setting;
}

size_t envelope_max(size_t maxrcpt)
{
  return (maxrcpt + 1) * (ENVELOPE_ADDR_MAX + 2) + 1;
}

int envelope_addr_ok(char const *s, size_t len)
{
  if (len > ENVELOPE_ADDR_MAX) return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f) return 0;
  }
  return 1;
}

int envelope_addr_routable(char const *s, size_t len, int empty)
{
  return len ? s[len - 1] != '@' : empty;
}

/* One field starting at buf[*pos] with tag: checks it, moves *pos past it. */
static int field(char const *buf, size_t len, size_t *pos, char tag, int *complete)
{
  char const *z;
  size_t n;
  if (*pos >= len) { *complete = 0; return ENVELOPE_BAD; }
  if (buf[*pos] != tag) return ENVELOPE_BAD;
  z = memchr(buf + *pos + 1, 0, len - *pos - 1);
  if (!z) {
    *complete = 0;
    return len - *pos - 1 > ENVELOPE_ADDR_MAX ? ENVELOPE_TOOLONG : ENVELOPE_BAD;
  }
  n = (size_t)(z - (buf + *pos + 1));
  if (n > ENVELOPE_ADDR_MAX) return ENVELOPE_TOOLONG;
  if (!envelope_addr_ok(buf + *pos + 1, n)) return ENVELOPE_BAD;
  if (!envelope_addr_routable(buf + *pos + 1, n, tag == 'F')) return ENVELOPE_BAD;
  *pos += n + 2;
  return ENVELOPE_OK;
}

int envelope_parse(char const *buf, size_t len, size_t maxrcpt, envelope *e, int *complete)
{
  size_t pos = 0;
  int r;
  *complete = 1;
  if (maxrcpt > ENVELOPE_RCPT_HARDMAX) maxrcpt = ENVELOPE_RCPT_HARDMAX;
  r = field(buf, len, &pos, 'F', complete);
  if (r) return r;
  e->sender = buf + 1;
  e->rcpts = buf + pos;
  e->nrcpt = 0;
  for (;;) {
    if (pos >= len) { *complete = 0; return ENVELOPE_BAD; }
    if (!buf[pos]) break;
    if (e->nrcpt >= maxrcpt) return ENVELOPE_BAD;
    r = field(buf, len, &pos, 'T', complete);
    if (r) return r;
    e->nrcpt++;
  }
  e->rcpts_len = (size_t)(buf + pos - e->rcpts);
  if (!e->nrcpt) return ENVELOPE_BAD;
  if (pos + 1 != len) return ENVELOPE_BAD;
  return ENVELOPE_OK;
}

char const *envelope_rcpt(envelope const *e, size_t *pos)
{
  if (*pos >= e->rcpts_len) return 0;
  char const *t = e->rcpts + *pos;
  *pos += strlen(t) + 1;
  return t + 1;
}
