/* qscan: reading the queue's folders for posta-qstat and posta-qread: who
 * may, which messages there are, and their records (never through a link,
 * never blocking). Paths are relative to the instance's
 * home (the working directory). Never exits. */
#ifndef POSTA_QSCAN_H
#define POSTA_QSCAN_H

#include <stddef.h>
#include <stdint.h>

/* 0 when the effective uid may read the whole queue (root, or the
 * instance's posta-s), else -1 with errno EPERM, or another errno when the
 * instance cannot be looked at. Root goes on with the effective uid and
 * groups of posta-s (its real uid stays 0): root never opens what posta-q
 * or posta-s placed in the queue with more rights than posta-s. */
int qscan_allowed(void);
/* What a queue tool does first: changes to the instance's home and checks
 * qscan_allowed. 0, or the exit code after a "PROG: fatal: ..." line: 100
 * for a caller who is not root or posta-s ("only root and posta-s may VERB
 * the queue"), 111 for a home that cannot be entered or looked at. */
int qscan_enter(char const *verb);
/* Counts the files named by a message id in queue/KIND/N/, every N.
 * 0, or -1 with errno. */
int qscan_count(char const *kind, uint64_t *n);
/* The ids of queue/KIND/N/, every N, sorted: *ids is malloc'd (free it).
 * 0, or -1 with errno. */
int qscan_ids(char const *kind, uint64_t **ids, size_t *n);
/* slurp for a file of the queue, which posta-q or posta-s may have
 * replaced: opened without following a link and without blocking on a
 * FIFO, and read only when fstat says it is a regular file. 0, or -1 with
 * errno: EPROTO for a link or anything but a regular file (nothing is
 * read), ENOENT when absent. */
int qscan_slurp(char const *path, size_t max, char **buf, size_t *len);

#endif
