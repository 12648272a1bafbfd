/* cleancl: posta-send's side of the posta-clean pipe (doc/protocols.md).
 *
 * Requests "OP ID\n" are queued and written as the pipe takes them, never
 * blocking; answers "+ID" or "!ID reason" come back in order. A refusal is
 * logged and nothing else: every removal posta-clean is asked for is found
 * again by a later scan (todo at the next start, leftovers by recovery).
 * A message's local and remote records outlive its info record until
 * posta-clean confirmed the removal of its mess file: after a crash they
 * tell recovery that the mess file is a finished message's leftover, to be
 * removed at once rather than after STALE_SECONDS.
 * An id stays known (ctx->known) until its mess file is confirmed removed:
 * while it is known no scan preprocesses its todo again nor asks for its
 * removal twice, and no second "mess ID" request can reach posta-clean after
 * the inode was given to a new message. Uses libc and slog; never exits. */
#ifndef POSTA_SEND_CLEANCL_H
#define POSTA_SEND_CLEANCL_H

#include <stdint.h>

#include "posta-send/send.h"

void cleancl_init(cleancl *, int wfd, int rfd);
/* Queues one request: 0, or -1 (ENOMEM). For "mess", id must be known
 * (ctx->known): the answer forgets it. */
int cleancl_ask(send_ctx *, char const *op, uint64_t id);
/* 1 when bytes wait for the pipe. */
int cleancl_want_write(cleancl const *);
/* Writes what the pipe takes: 0, or -1 when posta-clean is gone. */
int cleancl_write(send_ctx *);
/* Reads and handles the answers there are: 0, or -1 at end of file. */
int cleancl_read(send_ctx *);
/* 1 when a todo removal of id was asked and not answered yet. */
int cleancl_pending_todo(send_ctx const *, uint64_t id);

#endif
