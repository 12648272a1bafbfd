/* owferr: error lines for programs on libowfat, which have no strerr.
 *
 * The project's form: "PROG: fatal: unable to VERB OBJECT: reason", or
 * "PROG: usage: ..."; written with one write(2) on fd 2. owferr_die exits
 * with the given code. libc only. */
#ifndef POSTA_OWFERR_H
#define POSTA_OWFERR_H

/* e: an errno value, or 0 for no reason. */
void owferr_die(int code, char const *prog, char const *what, int e) __attribute__((noreturn));
void owferr_usage(char const *prog, char const *usage) __attribute__((noreturn));

#endif
