/* cleanops: what posta-clean does for each request (doc/protocols.md).
 *
 * A request is one line "OP ID". todo removes intd/N/ID and todo/N/ID, but
 * only when info/N/ID exists (state 3 to 4); mess removes intd and todo at
 * once, and mess only after the removal of todo is durable: the request
 * joins a batch, answered "?ID" for now; cleanops_sync syncs the queue's
 * file system once for the whole batch, then cleanops_finish removes each mess and
 * gives its real answer (state 6 to 7: never a todo left without its mess,
 * whatever a crash keeps). pid removes pid/ID; stale (ID 0) removes the
 * files of pid/ and intd/N/ older than CLEAN_STALE seconds (abandoned
 * injections, state 0). A file already gone is not an error. Nothing else
 * is fsynced: posta-send made the state that matters durable first. Paths
 * are relative to the home (the working directory). libc only; never
 * exits. */
#ifndef POSTA_CLEAN_CLEANOPS_H
#define POSTA_CLEAN_CLEANOPS_H

#include <stddef.h>
#include <stdint.h>

#define CLEAN_STALE (36 * 3600)
#define CLEAN_LINE_MAX 64
/* the most mess requests one batch holds */
#define CLEAN_BATCH 512

typedef struct cleanbatch_s cleanbatch;
struct cleanbatch_s {
  uint64_t id[CLEAN_BATCH];     /* the mess requests waiting, in order */
  unsigned n;
  int err;                      /* the sync's errno, set by cleanops_sync */
};

/* Handles one request line (without its LF) and writes the answer line,
 * LF included, into out (at least CLEAN_LINE_MAX + 128 bytes); returns its
 * length. A mess request is added to b (which must not be full) and
 * answered "?ID": cleanops_finish gives its answer after cleanops_sync.
 * now: the current time, for stale. */
size_t cleanops_do(char const *line, size_t len, char *out, uint64_t now, cleanbatch *b);
/* One syncfs of the queue's file system when b holds a request; 0, or -1
 * when it failed (b's requests then answer the failure and keep mess). */
int cleanops_sync(cleanbatch *b);
/* The answer to b's request for id, after cleanops_sync: mess removed
 * ("+ID") or the failure ("!ID why"); its length. */
size_t cleanops_finish(cleanbatch const *b, uint64_t id, char *out);

#endif
