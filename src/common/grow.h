/* grow: room in a growing byte buffer, for the buffers of rec and dsn_fmt.
 *
 * libc only. Never frees, never exits; on failure the buffer is left as it
 * was. */
#ifndef POSTA_GROW_H
#define POSTA_GROW_H

#include <stddef.h>

/* Makes room for n more bytes after the len used of *s (a allocated):
 * reallocates to first bytes, or to twice the old size until it fits. 0, or
 * -1 with errno ENOMEM (also when len + n or the size would overflow). */
int grow_bytes(char **s, size_t *a, size_t len, size_t n, size_t first);

#endif
