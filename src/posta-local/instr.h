/* instr: run the instructions of one dot-qmail file, in order.
 *
 * Each line: '#' comment; '|' a program; '.' or '/' a file, a Maildir when
 * it ends in '/', else an mbox; '&' or anything else a forwarding address.
 * Empty lines are skipped; trailing blanks and CR are dropped. Maildirs,
 * mboxes and programs run at once; forwards are queued for forward_run.
 * A program's exit 99 stops the file. A failing line stops it too, its
 * result (result.h) in the context. */
#ifndef POSTA_INSTR_H
#define POSTA_INSTR_H

#include <stddef.h>

#include "posta-local/local.h"

/* 0 when every line ran, 99 when a program asked to stop, -1 when a line
 * failed (c->res says how). text is
 * modified (lines are cut in place) and text[len] must be writable. */
int instr_run(local_ctx *c, char *text, size_t len);
/* 1 when every line of text is blank, a comment or a Maildir ('.' or '/'
 * first, '/' last, no NUL), as instr_run would cut it; else 0. Pure. */
int instr_maildir_only(char const *text, size_t len);

#endif
