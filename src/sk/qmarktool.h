/* qmarktool: what posta-qhold, posta-qrm and posta-qflush do around
 * qmarkrun_run: their options, the instance's home, and the check that the
 * caller may change the queue. Returns an exit code; never exits. */
#ifndef POSTA_QMARKTOOL_H
#define POSTA_QMARKTOOL_H

#include "sk/qmark.h"

/* The options of a tool, opts for subgetopt: -t seconds sets *wait, -r
 * (where opts has it) makes *op a release. Returns the index of the first
 * id in argv, or -1 for a usage error. */
int qmarktool_options(int argc, char const *const *argv, char const *opts, char *op, unsigned *wait);
/* The rest of a tool once its options are read: enters the instance's
 * home, checks that the caller is root or posta-s, and runs qmarkrun_run.
 * Returns the exit code: qmarkrun_run's, or 111 (the home cannot be entered
 * or looked at) or 100 (another caller), after a "PROG: fatal:" line. */
int qmarktool_run(char op, char const *const *argv, unsigned wait);
/* The whole of a tool's main once PROG is set: qmarktool_options with opts
 * (op the tool's request), then qmarktool_run over the ids; a flush without
 * an id flushes "all". Returns qmarktool_run's exit code, or 100 after a
 * "PROG: usage: usage" line (a bad option, or no id where one is needed). */
int qmarktool_main(int argc, char const *const *argv, char op, char const *opts, char const *usage);

#endif
