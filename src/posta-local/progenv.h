/* progenv: the environment of a dot-qmail program, as qmail-command(8).
 *
 * SENDER, NEWSENDER, RECIPIENT, USER, HOME, LOCAL, HOST, HOST2-4 (HOST
 * without its last 1-3 dot-separated parts), EXT, EXT2-4 (EXT after its
 * first 1-3 dashes, empty when there are fewer), DEFAULT (only when a
 * -default file matched: the part of EXT it stands for), DTLINE, RPLINE,
 * UFLINE; then posta-local's own environment without those names. Values
 * from the envelope have control characters replaced. Returns errors, never
 * exits. */
#ifndef POSTA_PROGENV_H
#define POSTA_PROGENV_H

#include <skalibs/stralloc.h>

#include "posta-local/local.h"

/* Builds the strings into sa and the array into *envp (malloc'd, free it);
 * 0, or -1 with errno ENOMEM. */
int progenv_build(local_ctx const *c, char const *const *base, stralloc *sa, char const ***envp);

#endif
