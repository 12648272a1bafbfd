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

#include "common/slurp.h"
#include "posta-queue/qq.h"

static size_t slurp(qq *q, size_t cap)
{
  size_t len;
  if (slurp_stream(1, cap, &q->envbuf, &len) == 0) return len;
  if (errno == ENOMEM) qq_diex(q, QQ_NOMEM, "read the envelope: out of memory");
  qq_die(q, QQ_READ, "read the envelope");
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
