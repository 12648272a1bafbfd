/* cleanops: what posta-clean does for each request (doc/protocols.md).
 *
 * A request is one line "OP ID". todo removes intd/N/ID and todo/N/ID, but
 * only when info/N/ID exists (state 3 to 4); mess removes intd, todo, then
 * mess (state 6 to 7: never a todo left without its mess); pid removes
 * pid/ID; stale (ID 0) removes the files of pid/ and intd/N/ older than
 * CLEAN_STALE seconds (abandoned injections, state 0). A file already gone
 * is not an error. Nothing is fsynced: posta-send made the state that
 * matters durable first. Paths are relative to the home (the working
 * directory). libc only; never exits. */
#ifndef POSTA_CLEAN_CLEANOPS_H
#define POSTA_CLEAN_CLEANOPS_H

#include <stddef.h>
#include <stdint.h>

#define CLEAN_STALE (36 * 3600)
#define CLEAN_LINE_MAX 64

/* Handles one request line (without its LF) and writes the answer line,
 * LF included, into out (at least CLEAN_LINE_MAX + 128 bytes); returns its
 * length. now: the current time, for stale. */
size_t cleanops_do(char const *line, size_t len, char *out, uint64_t now);

#endif
