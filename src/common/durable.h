/* durable: the fsync rule in one place.
 *
 * A file's data is fsynced before it gets the name that commits it, and the
 * folder is fsynced after that link or rename: Linux makes neither durable by
 * itself. libc only; every function returns 0, or -1 with errno, and leaves
 * no temporary file behind on failure. */
#ifndef POSTA_DURABLE_H
#define POSTA_DURABLE_H

#include <stddef.h>
#include <sys/types.h>

/* write(2) until done; EINTR retried. */
int durable_write_all(int fd, char const *s, size_t len);
/* fsync the folder that holds path (the part before the last '/'). */
int durable_fsync_parent(char const *path);
int durable_fsync_dir(char const *dir);
/* Writes data to tmp (created, truncated), fsyncs it, renames it to path,
 * fsyncs path's folder. tmp must be in the same folder as path. */
int durable_replace(char const *path, char const *tmp, char const *data, size_t len, mode_t mode);
/* unlink(path), then fsync its folder; a missing file is not an error. */
int durable_unlink(char const *path);
/* durable_replace and durable_unlink without the folder's fsync, for a
 * caller that fsyncs each folder once after many changes (posta-send's
 * wbatch): nothing they do is durable until then. */
int durable_put(char const *path, char const *tmp, char const *data, size_t len, mode_t mode);
int durable_remove(char const *path);

#endif
