/* child: what the forked child of posta-lspawn does to become posta-local.
 *
 * Looks the recipient up (sk/lookup.h), refuses uid 0, reads
 * control/defaultdelivery, makes the message posta-lspawn opened for it
 * (messfile.h) its stdin, drops to the owner's uid and gid (root only),
 * changes to the
 * owner's home, closes every descriptor but 0, 1 and 2, keeps only PATH,
 * POSTA_HOME, QMAILQUEUE, TZ and the sanitizers' variables in the
 * environment, and runs posta-local's code (local_main) in this process:
 * no program start, which costs more CPU than the rest of a Maildir
 * delivery. With POSTA_LSPAWN_EXEC set (not 0) in posta-lspawn's
 * environment it executes DIR/bin/posta-local instead, so that a wrapper or
 * strace can watch each delivery as a program of its own (the fault tests
 * do). Any failure is written to
 * stdout (the pipe posta-lspawn reads) in posta-local's words and ends the
 * child with 100 or 111. Never returns. */
#ifndef POSTA_CHILD_H
#define POSTA_CHILD_H

#include <stddef.h>

#include "posta-lspawn/request.h"

/* In the child: out is the pipe's write end, r the request (r->fd the
 * message, opened for this delivery alone). */
#define CHILD_ENV_MAX 8
/* The environment of a delivery: PATH, POSTA_HOME=home (written into
 * envhome, size bytes) and those of QMAILQUEUE, TZ, ASAN_OPTIONS,
 * UBSAN_OPTIONS that environ has; env holds CHILD_ENV_MAX pointers, the
 * last one 0. */
void child_env(char const *home, char const **env, char *envhome, size_t size);
void child_run(char const *home, request const *r, int out) __attribute__((noreturn));

#endif
