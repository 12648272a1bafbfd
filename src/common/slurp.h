/* slurp: a whole file read into memory, bounded.
 *
 * slurp_fd reads an open file: its size by fstat, at most max bytes (else
 * EFBIG), with a NUL after the data (not counted in *len), so that a
 * caller may end its last line in place. It reads st_size bytes and no
 * more: a file that grows meanwhile is read as it was, one that shrinks as
 * it is, and anything but a regular file (a FIFO, a device) reads empty,
 * so a FIFO put where a file was expected never blocks the reader.
 * slurp_path opens path (O_RDONLY | O_NONBLOCK | O_CLOEXEC, plus flags:
 * O_NOFOLLOW where another uid owns the folder) and does the same.
 * slurp_stream reads a pipe or socket to its end, at most max bytes: *len
 * == max means there may be more, which the caller judges.
 *
 * libc only. 0 and a malloc'd *buf, or -1 with errno (*buf untouched);
 * never exits, never prints. */
#ifndef POSTA_SLURP_H
#define POSTA_SLURP_H

#include <stddef.h>

int slurp_fd(int fd, size_t max, char **buf, size_t *len);
int slurp_path(char const *path, int flags, size_t max, char **buf, size_t *len);
int slurp_stream(int fd, size_t max, char **buf, size_t *len);

#endif
