/* loopcheck: Delivered-To and hop counting over the header. See
 * loopcheck.h. Pure; never allocates. */
#include "posta-local/loopcheck.h"

#include <string.h>
#include <strings.h>

void loopcheck_start(loopcheck *l, char const *dtline, size_t len)
{
  while (len && (dtline[len - 1] == '\n' || dtline[len - 1] == ' ' || dtline[len - 1] == '\t')) len--;
  l->dt = dtline;
  l->dtlen = len;
  l->len = l->full = 0;
  l->hops = 0;
  l->mine = l->done = 0;
}

static int starts(char const *s, size_t n, char const *field)
{
  size_t k = strlen(field);
  return n >= k && !strncasecmp(s, field, k);
}

/* One whole line (without LF), maybe cut at LOOPCHECK_LINE bytes. */
static void line_end(loopcheck *l)
{
  size_t n = l->len;
  if (!l->full) { l->done = 1; return; }
  if (n && l->line[n - 1] == '\r' && l->full == n) {
    if (n == 1) { l->done = 1; return; }  /* a CRLF header's end */
  }
  if (starts(l->line, n, "received:")) l->hops++;
  else if (starts(l->line, n, "delivered-to:")) {
    l->hops++;
    while (n && (l->line[n - 1] == ' ' || l->line[n - 1] == '\t' || l->line[n - 1] == '\r')) n--;
    if (l->full == l->len && n == l->dtlen && !strncasecmp(l->line, l->dt, n)) l->mine = 1;
  }
}

int loopcheck_feed(loopcheck *l, char const *s, size_t n)
{
  for (size_t i = 0; i < n && !l->done; i++) {
    if (s[i] == '\n') {
      line_end(l);
      l->len = l->full = 0;
      continue;
    }
    if (l->len < sizeof l->line) l->line[l->len++] = s[i];
    l->full++;
  }
  return l->done;
}

void loopcheck_end(loopcheck *l)
{
  if (!l->done && l->full) line_end(l);
  l->done = 1;
}
