/* mboxquote: ">From " quoting as a stream. See mboxquote.h. Pure. */
#include "posta-local/mboxquote.h"

#include <string.h>

static char const from[] = "From ";

size_t mboxquote_feed(mboxquote *q, char const *in, size_t n, char *out)
{
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    char c = in[i];
    if (q->bol) {
      if (!q->m && c == '>') { out[len++] = c; continue; }
      if (c == from[q->m]) {
        if (++q->m < 5) continue;
        out[len++] = '>';
        memcpy(out + len, from, 5);
        len += 5;
        q->m = 0;
        q->bol = 0;
        continue;
      }
      memcpy(out + len, from, q->m);
      len += q->m;
      q->m = 0;
      q->bol = 0;
    }
    out[len++] = c;
    if (c == '\n') q->bol = 1;
  }
  if (len) q->last = out[len - 1];
  else if (q->m) q->last = 'F';
  return len;
}

size_t mboxquote_end(mboxquote *q, char *out)
{
  size_t len = 0;
  memcpy(out, from, q->m);
  len += q->m;
  if (len) q->last = out[len - 1];
  q->m = 0;
  if (q->last && q->last != '\n') out[len++] = '\n';
  out[len++] = '\n';
  q->last = '\n';
  return len;
}
