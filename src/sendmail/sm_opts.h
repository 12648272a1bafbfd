/* sm_opts: sendmail's command line. The flags programs pass to sendmail
 * are many and irregular (-oi is the flag o with value i, -f takes its
 * value attached or as the next word, -ti is -t and -i); a table says what
 * each letter takes and does. Pure: no I/O, never exits. */
#ifndef POSTA_SM_OPTS_H
#define POSTA_SM_OPTS_H

#include "sk/inject_run.h"

#define SM_USAGE "sendmail [ -t ] [ -i ] [ -f sender ] [ -F fullname ] [ recipient ... ]"

/* Fills o from argv. Returns the index of the first recipient argument, or
 * -1 with *why saying what is wrong (a usage error). */
int sm_opts(int argc, char const *const *argv, inject_opts *o, char const **why);

#endif
