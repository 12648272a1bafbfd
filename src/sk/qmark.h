/* qmark: the tools' side of operators' requests (src/common/cmdrec.h):
 * posta-qhold, posta-qrm and posta-qflush write a request into queue/cmd/,
 * wake posta-send, and watch the queue until posta-send has taken it.
 *
 * They never write a message's records: posta-send is their only writer
 * (doc/queue.md). A request is written with the fsync rule (temporary
 * file, fsync, rename, fsync of queue/cmd), owned by posta-s, so that it
 * survives a crash and a posta-send that is down finds it at its start.
 * Paths are relative to the instance's home (the working directory).
 * Library functions: they return, never exit, and print nothing but
 * qmark_run. */
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

/* The whole of a tool: for each id of argv (decimal; "all" names every
 * message when op is a flush) writes the request, wakes posta-send, waits
 * at most wait seconds for it, and prints one line per id on stdout.
 * Returns the exit code: 0 every request in effect, 100 an id that is not
 * a message of the queue or a request posta-send refused, 111 a request
 * not taken yet (it stays: posta-send takes it when it runs) or an error. */
int qmark_run(char op, char const *const *argv, unsigned wait);

/* The options of a tool, opts for subgetopt: -t seconds sets *wait, -r
 * (where opts has it) makes *op a release. Returns the index of the first
 * id in argv, or -1 for a usage error. */
int qmark_options(int argc, char const *const *argv, char const *opts, char *op, unsigned *wait);
/* The rest of a tool once its options are read: enters the instance's
 * home, checks that the caller is root or posta-s, and runs qmark_run.
 * Returns the exit code: qmark_run's, or 111 (the home cannot be entered
 * or looked at) or 100 (another caller), after a "PROG: fatal:" line. */
int qmark_tool(char op, char const *const *argv, unsigned wait);
/* The whole of a tool's main once PROG is set: qmark_options with opts (op
 * the tool's request), then qmark_tool over the ids; a flush without an id
 * flushes "all". Returns qmark_tool's exit code, or 100 after a
 * "PROG: usage: usage" line (a bad option, or no id where one is needed). */
int qmark_main(int argc, char const *const *argv, char op, char const *opts, char const *usage);

#endif
