/* child: what the forked child of posta-lspawn does before it becomes
 * posta-local.
 *
 * Looks the recipient up (sk/lookup.h), refuses uid 0, reads
 * control/defaultdelivery, reopens the message so that its read offset is
 * its own, drops to the owner's uid and gid (root only), changes to the
 * owner's home and executes DIR/bin/posta-local. Any failure is written to
 * stdout (the pipe posta-lspawn reads) in posta-local's words and ends the
 * child with 100 or 111. Never returns. */
#ifndef POSTA_CHILD_H
#define POSTA_CHILD_H

#include "posta-lspawn/request.h"

/* In the child: out is the pipe's write end, r the request (r->fd the
 * message). */
void child_run(char const *home, request const *r, int out) __attribute__((noreturn));

#endif
