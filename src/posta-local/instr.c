/* instr: dispatch dot-qmail lines by their first byte. See instr.h.
 * A failing line ends the run with -1, its result in the context. */
#include "posta-local/instr.h"

#include <string.h>

#include "posta-local/forward.h"
#include "posta-local/maildir.h"
#include "posta-local/mbox.h"
#include "posta-local/program.h"
#include "posta-local/result.h"

typedef int instr_fn(local_ctx *, char *, size_t);

static int comment(local_ctx *c, char *s, size_t n)
{
  return 0;
}

static int program(local_ctx *c, char *s, size_t n)
{
  int r = program_run(c, s + 1);
  return r < 0 ? -1 : r == PROGRAM_STOP ? 99 : 0;
}

static int file(local_ctx *c, char *s, size_t n)
{
  return s[n - 1] == '/' ? maildir_deliver(c, s) : mbox_deliver(c, s);
}

static int forward_amp(local_ctx *c, char *s, size_t n)
{
  return forward_add(c, s + 1, n - 1);
}

static int forward_bare(local_ctx *c, char *s, size_t n)
{
  return forward_add(c, s, n);
}

static struct { char first; instr_fn *fn; } const table[] = {
  { '#', &comment },
  { '|', &program },
  { '.', &file },
  { '/', &file },
  { '&', &forward_amp },
  { 0, &forward_bare },
};

static instr_fn *dispatch(char first)
{
  size_t i = 0;
  while (table[i].first && table[i].first != first) i++;
  return table[i].fn;
}

/* The next line of text from *i: its start and its length without the
 * trailing blanks and CR. 0 at the end. */
static int next_line(char const *text, size_t len, size_t *i, size_t *start, size_t *n)
{
  if (*i >= len) return 0;
  char const *nl = memchr(text + *i, '\n', len - *i);
  size_t end = nl ? (size_t)(nl - text) : len;
  char const *s = text + *i;
  size_t k = end - *i;
  while (k && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '\r')) k--;
  *start = *i;
  *n = k;
  *i = end + 1;
  return 1;
}

int instr_run(local_ctx *c, char *text, size_t len)
{
  size_t i = 0, at, n;
  c->line = 0;
  while (next_line(text, len, &i, &at, &n)) {
    char *s = text + at;
    c->line++;
    if (!n) continue;
    if (memchr(s, 0, n)) return result_set(&c->res, 111, "4.7.0", "a dot-qmail line holds a NUL byte");
    s[n] = 0;  /* on the LF, a blank, or the NUL past the text */
    int r = dispatch(s[0])(c, s, n);
    if (r) return r;
  }
  return 0;
}

int instr_maildir_only(char const *text, size_t len)
{
  size_t i = 0, at, n;
  while (next_line(text, len, &i, &at, &n)) {
    char const *s = text + at;
    if (!n || s[0] == '#') continue;
    if (memchr(s, 0, n) || (s[0] != '.' && s[0] != '/') || s[n - 1] != '/') return 0;
  }
  return 1;
}
