/* qrm_select: which messages posta-qrm -s, -r and all remove. The choice
 * is made on posta-qread's listing (doc/posta-qread.8: its blocks are an
 * interface; the queue's files are not), so posta-qrm reads no record
 * itself: the program that reads the queue for operators reads it here
 * too. Pure: no I/O, never exits. */
#ifndef POSTA_QRM_SELECT_H
#define POSTA_QRM_SELECT_H

#include <stddef.h>

#include <skalibs/stralloc.h>

/* The ids of the blocks of listing (len bytes) whose sender matches spat
 * and one of whose recipients matches rpat (fnmatch(3) patterns, case
 * ignored; 0: anything), appended to ids as NUL-terminated decimal
 * strings; *n counts them. A sender is matched without its angle
 * brackets: "" is the null sender. 0, or -1 when ids cannot grow. */
int qrm_select(char const *listing, size_t len, char const *spat, char const *rpat, stralloc *ids, size_t *n);

#endif
