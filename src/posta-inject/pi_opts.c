/* pi_opts: qmail-inject's flags, by table. See pi_opts.h. */
#include "posta-inject/pi_opts.h"

#include <skalibs/sgetopt.h>

static struct {
  char letter;
  int rcpts;     /* INJECT_RCPT_*, or 0 */
  int print;     /* -1 unchanged */
} const table[] = {
  { 'a', INJECT_RCPT_ARGS, -1 },
  { 'h', INJECT_RCPT_HEADER, -1 },
  { 'A', INJECT_RCPT_ARGS_OR_HEADER, -1 },
  { 'H', INJECT_RCPT_BOTH, -1 },
  { 'n', 0, 1 },
  { 'N', 0, 0 },
};

int pi_opts(int argc, char const *const *argv, inject_opts *o)
{
  subgetopt l = SUBGETOPT_ZERO;
  o->sender = 0;
  o->fullname = 0;
  o->dot = 0;       /* qmail-inject reads to the end of its input */
  o->rcpts = INJECT_RCPT_ARGS_OR_HEADER;
  o->print = 0;
  l.err = 0;
  for (;;) {
    int c = subgetopt_r(argc, argv, "f:ahAHnN", &l);
    if (c == -1) break;
    if (c == 'f') { o->sender = l.arg; continue; }
    size_t i = 0;
    while (i < sizeof table / sizeof *table && table[i].letter != c) i++;
    if (i == sizeof table / sizeof *table) return -1;
    if (table[i].rcpts) o->rcpts = table[i].rcpts;
    if (table[i].print >= 0) o->print = table[i].print;
  }
  return l.ind;
}
