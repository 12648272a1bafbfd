/* qpath: where a message's files live in the queue.
 *
 * A message's id is the inode number of its file in queue/mess. Every folder
 * that holds one file per message is split into CONF_SPLIT subfolders by id,
 * so "queue/KIND/(ID % CONF_SPLIT)/ID". Paths are relative to the instance's
 * home: every program that touches the queue runs with its home as the
 * working directory. libc only; never touches the file system. */
#ifndef POSTA_QPATH_H
#define POSTA_QPATH_H

#include <stddef.h>
#include <stdint.h>

/* Longest path qpath can write, NUL included. */
#define QPATH_MAX 64

unsigned qpath_split(uint64_t id);
/* Writes "queue/KIND/N/ID" into buf (QPATH_MAX bytes); returns its length,
 * or 0 when kind is too long. */
size_t qpath(char *buf, char const *kind, uint64_t id);
/* "queue/KIND/N" */
size_t qpath_dir(char *buf, char const *kind, unsigned split);
/* Parses a decimal id (a file name in a split folder): 1 ok, 0 not an id. */
int qpath_id(char const *name, uint64_t *id);

#endif
