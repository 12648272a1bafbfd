/* qmark: the tools' side of operators' requests (src/common/cmdrec.h):
 * posta-qhold, posta-qrm and posta-qflush write a request into queue/cmd/,
 * wake posta-send, and watch the queue until posta-send has taken it.
 *
 * They never write a message's records: posta-send is their only writer
 * (doc/queue.md). A request is written with the fsync rule (temporary
 * file, fsync, rename, fsync of queue/cmd), owned by posta-s, so that it
 * survives a crash and a posta-send that is down finds it at its start.
 * Paths are relative to the instance's home (the working directory).
 * Library functions: they return, never exit, and print nothing. The
 * tools' body is qmarkrun.h, their options and checks qmarktool.h. */
#ifndef POSTA_QMARK_H
#define POSTA_QMARK_H

#include <stddef.h>
#include <stdint.h>

#include "common/roles.h"

#define QMARK_WAIT_DEFAULT 10    /* seconds a tool waits for posta-send */

/* What the queue says of a message. */
enum qmark_state {
  QMARK_GONE,                    /* neither info nor todo: not in the queue */
  QMARK_TODO,                    /* queued, not preprocessed yet */
  QMARK_ACTIVE,                  /* info: preprocessed, neither flag */
  QMARK_HELD,                    /* info with h */
  QMARK_REMOVING                 /* info with x */
};

/* The state of message id: 0 and *st, or -1 with errno (an unreadable
 * info record: EPROTO). */
int qmark_state(uint64_t id, enum qmark_state *st);
/* Writes the request op for id (id 0: every message): 1 written, 0 not
 * written because a removal of id is already asked (a removal is never
 * turned into something else), -1 with errno. */
int qmark_request(uint64_t id, char op, roles const *r);
/* 1 when id's request is still waiting for posta-send, 0 when it was
 * taken, -1 with errno. */
int qmark_pending(uint64_t id);
/* Writes CMDREC_BYTE to the trigger: 1 written, 0 no posta-send is
 * listening, -1 with errno (EAGAIN: the trigger is full, posta-send is
 * busy; it reads queue/cmd/ at its next rescan anyway). */
int qmark_poke(void);

#endif
