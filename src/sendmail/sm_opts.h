/* sm_opts: sendmail's command line. The flags programs pass to sendmail
 * are many and irregular (-oi is the flag o with value i, -f takes its
 * value attached or as the next word, -ti is -t and -i, -q takes a value
 * only when attached); a table says what each letter takes and does. The
 * name sendmail is called by picks a mode too: mailq is -bp, newaliases
 * -bi. Pure: no I/O, never exits. */
#ifndef POSTA_SM_OPTS_H
#define POSTA_SM_OPTS_H

#include "sk/inject_run.h"

#define SM_USAGE "sendmail [ -t ] [ -i ] [ -f sender ] [ -F fullname ] [ recipient ... ]" \
  " | sendmail -bp | mailq | sendmail -bi | newaliases | sendmail -bs | sendmail -q"

/* What sendmail was asked to do: its -b letter, or SM_FLUSH for -q. */
enum sm_mode {
  SM_SEND = 'm',      /* -bm: queue a message (the default) */
  SM_LIST = 'p',      /* -bp, mailq: list the queue */
  SM_ALIASES = 'i',   /* -bi, newaliases: rebuild the aliases */
  SM_SMTP = 's',      /* -bs: SMTP on stdin and stdout */
  SM_FLUSH = 'q',     /* -q: try the queue now */
};

/* Fills o and *mode from argv. Returns the index of the first recipient
 * argument, or -1 with *why saying what is wrong (a usage error: an
 * unknown flag, an unknown -b mode, arguments to a mode that takes none). */
int sm_opts(int argc, char const *const *argv, inject_opts *o, enum sm_mode *mode, char const **why);

#endif
