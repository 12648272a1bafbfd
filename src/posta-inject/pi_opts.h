/* pi_opts: posta-inject's command line, qmail-inject's flags: -f sender,
 * -a (recipients from the arguments only), -h (from the header only), -A
 * (the arguments, or the header when there are none: the default), -H
 * (both), -n (print the message instead of queueing it), -N (queue it: the
 * default). Pure: no I/O, never exits. */
#ifndef POSTA_PI_OPTS_H
#define POSTA_PI_OPTS_H

#include "sk/inject_run.h"

#define PI_USAGE "posta-inject [ -f sender ] [ -a | -h | -A | -H ] [ -n | -N ] [ recipient ... ]"

/* Fills o from argv: the index of the first recipient argument, or -1. */
int pi_opts(int argc, char const *const *argv, inject_opts *o);

#endif
