/* qq_envelope: reads the envelope on fd 1 after the message (the caller
 * writes the message first, then the envelope), at most the longest
 * envelope control/maxrcpt allows plus one byte, and checks it whole with
 * src/common/envelope.c. Ends the process on failure: 11 an address too
 * long, 91 a malformed envelope (an address that could never be delivered
 * among them), 54 a read error or an envelope that ended
 * early, 51 out of memory. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "posta-queue/qq.h"

static size_t slurp(qq *q, size_t cap)
{
  size_t a = 4096, len = 0;
  char *s = malloc(a);
  if (!s) qq_diex(q, QQ_NOMEM, "read the envelope: out of memory");
  for (;;) {
    if (len == a) {
      if (a >= cap) break;
      a = a > cap / 2 ? cap : a * 2;
      char *t = realloc(s, a);
      if (!t) qq_diex(q, QQ_NOMEM, "read the envelope: out of memory");
      s = t;
    }
    ssize_t r = read(1, s + len, a - len);
    if (r < 0) {
      if (errno == EINTR) continue;
      qq_die(q, QQ_READ, "read the envelope");
    }
    if (!r) break;
    len += (size_t)r;
  }
  q->envbuf = s;
  return len;
}

void qq_envelope(qq *q)
{
  size_t cap = envelope_max(q->maxrcpt) + 1;
  size_t len = slurp(q, cap);
  int complete;
  int r = envelope_parse(q->envbuf, len, q->maxrcpt, &q->env, &complete);
  if (r == ENVELOPE_TOOLONG) qq_diex(q, QQ_TOOLONG, "queue the message: an envelope address is longer than 1000 bytes");
  if (r && !complete && len < cap) qq_diex(q, QQ_READ, "read the envelope: it ended early");
  if (r) qq_diex(q, QQ_ENVELOPE, "queue the message: malformed envelope (an empty recipient, an address without a domain after its '@', a control character, or more than control/maxrcpt recipients)");
}
