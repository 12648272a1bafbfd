/* qq_envelope: the envelope, after the message (the caller writes the
 * message first, then the envelope), at most the longest envelope
 * control/maxrcpt allows plus one byte, checked whole with
 * src/common/envelope.c. Returns 11 for an address too long, 91 for a
 * malformed envelope (an address that could never be delivered among
 * them), 54 for a read error or an envelope that ended early, 51 out of
 * memory. posta-queue reads it on fd 1; posta-injectd from its client. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/slurp.h"
#include "posta-queue/qq.h"

size_t qq_envelope_cap(qq const *q)
{
  return envelope_max(q->maxrcpt) + 1;
}

int qq_envelope_parse(qq *q, char *buf, size_t len, int capped)
{
  int full;
  free(q->envbuf);
  q->envbuf = buf;
  int r = envelope_parse(q->envbuf, len, q->maxrcpt, &q->env, &full);
  if (r == ENVELOPE_TOOLONG) return qq_failx(q, QQ_TOOLONG, "queue the message: an envelope address is longer than 1000 bytes");
  if (r && !full && !capped) return qq_failx(q, QQ_READ, "read the envelope: it ended early");
  if (r) return qq_failx(q, QQ_ENVELOPE, "queue the message: malformed envelope (an empty recipient, an address without a domain after its '@', a control character, or more than control/maxrcpt recipients)");
  return 0;
}

int qq_envelope(qq *q)
{
  size_t cap = qq_envelope_cap(q);
  char *buf = 0;
  size_t len;
  if (slurp_stream(1, cap, &buf, &len) < 0) {
    if (errno == ENOMEM) return qq_failx(q, QQ_NOMEM, "read the envelope: out of memory");
    return qq_fail(q, QQ_READ, "read the envelope");
  }
  return qq_envelope_parse(q, buf, len, len >= cap);
}
