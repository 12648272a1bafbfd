/* smtpreply: a strict, bounded SMTP reply parser. See smtpreply.h. */
#include "posta-remote/smtpreply.h"

#include <errno.h>
#include <string.h>

void smtpreply_start(smtpreply *r, smtpreply_line_func *online, void *ctx)
{
  r->code = 0;
  r->text[0] = 0;
  r->len = 0;
  r->lines = 0;
  r->linelen = 0;
  r->linetotal = 0;
  r->total = 0;
  r->online = online;
  r->ctx = ctx;
}

/* Appends the line to the kept text, cleaned. */
static void keep(smtpreply *r)
{
  if (r->len && r->len < SMTPREPLY_TEXT_MAX) r->text[r->len++] = ' ';
  for (size_t i = 0; i < r->linelen && r->len < SMTPREPLY_TEXT_MAX; i++) {
    unsigned char c = (unsigned char)r->line[i];
    if (c == 0 || c == '\r') continue;
    r->text[r->len++] = c < 32 || c == 127 ? ' ' : c > 126 ? '?' : (char)c;
  }
  r->text[r->len] = 0;
}

static int digit(char c)
{
  return c >= '0' && c <= '9';
}

/* Ends one line. 1: the reply is complete, 0: a continuation, -1: bad. */
static int end_line(smtpreply *r)
{
  char const *l = r->line;
  if (r->linelen && l[r->linelen - 1] == '\r' && r->linelen == r->linetotal) r->linelen--;
  if (r->linelen < 3 || l[0] < '2' || l[0] > '5' || !digit(l[1]) || !digit(l[2])) return -1;
  int last = r->linelen == 3 || l[3] == ' ';
  if (!last && l[3] != '-') return -1;
  if (++r->lines > SMTPREPLY_LINES_MAX) return -1;
  unsigned int code = (unsigned int)((l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0'));
  keep(r);
  if (r->online) {
    size_t skip = r->linelen > 3 ? 4 : 3;
    r->online(r->ctx, l + skip, r->linelen - skip);
  }
  r->linelen = 0;
  r->linetotal = 0;
  if (!last) return 0;
  r->code = code;
  return 1;
}

int smtpreply_feed(smtpreply *r, char const *s, size_t n, size_t *used)
{
  size_t i = 0;
  int done = 0;
  while (i < n && !done) {
    char c = s[i++];
    if (++r->total > SMTPREPLY_TOTAL_MAX) { *used = i; errno = EPROTO; return -1; }
    if (c != '\n') {
      if (r->linelen < SMTPREPLY_LINE_MAX) r->line[r->linelen++] = c;
      r->linetotal++;
      continue;
    }
    int e = end_line(r);
    if (e < 0) { *used = i; errno = EPROTO; return -1; }
    done = e;
  }
  *used = i;
  return done;
}
