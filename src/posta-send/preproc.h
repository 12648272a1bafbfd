/* preproc: a new message's todo record becomes its queue records.
 *
 * doc/queue.md states 1 to 4: the todo record's recipients are routed
 * (domains.h) into the local and remote records, then the info record is
 * written, each durably, info last; then posta-clean is asked to remove the
 * todo file. A todo whose info record already exists (state 3) only gets
 * that last step. Duplicate recipients (after routing) are kept once.
 * Never exits; a malformed todo record is logged and left alone. */
#ifndef POSTA_SEND_PREPROC_H
#define POSTA_SEND_PREPROC_H

#include <stdint.h>

#include "posta-send/send.h"

#define TODOREC_KIND "todo"
#define TODOREC_VERSION 1
#define TODO_MAX (64u << 20)

/* Parses a todo record and routes its recipients: 0, or -1 with errno
 * EPROTO (malformed), ENOTSUP, ENOMEM. inf gets F, t and u; *pid the
 * injector's pid. */
int preproc_route(domains const *, char const *buf, size_t len, info *inf, uint64_t *pid, rcptlist *local, rcptlist *remote);

enum preproc_result {
  PREPROC_NEW,          /* preprocessed: *out is the message, in memory */
  PREPROC_SKIP,         /* nothing to do (gone, or state 3) */
  PREPROC_LATER,        /* a temporary error, logged: the next scan retries */
  PREPROC_BROKEN,       /* unusable, logged: left for the operator */
};

enum preproc_result preproc_one(send_ctx *, uint64_t id, msg **out);
/* A todo found by the scan: preprocessed, known, posta-clean asked to
 * remove todo, and tried at once. A broken one is remembered so that it is
 * not looked at again before the next start. */
void preproc_new(send_ctx *, uint64_t id);

#endif
