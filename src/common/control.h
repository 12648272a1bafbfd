/* control: read the settings in control/, one setting per file.
 *
 * qmail's conventions: a missing file means the documented default; a value
 * is the first line with trailing spaces, tabs and CR removed; list files
 * hold one item a line, and empty lines and lines starting with '#' are
 * skipped. Paths are relative to the instance's home (the working directory)
 * unless absolute. libc only; returns errors, never exits. */
#ifndef POSTA_CONTROL_H
#define POSTA_CONTROL_H

#include <stddef.h>

/* 1 and the first line in buf (NUL-terminated, cut to size-1 bytes), 0 when
 * the file does not exist (buf gets dflt, or "" when dflt is 0), -1 on error
 * (errno). */
int control_line(char const *fn, char *buf, size_t size, char const *dflt);
/* 1 and the number, 0 and dflt when the file is missing or empty, -1 with
 * errno EINVAL when the first line is not a decimal number that fits. */
int control_ulong(char const *fn, unsigned long *val, unsigned long dflt);
/* Reads a list: *buf gets the items, each NUL-terminated, one after the
 * other (malloc'd, free it), *len their total length. 1 read, 0 missing
 * (*buf 0, *len 0), -1 error. At most max bytes of file are read (EFBIG). */
int control_lines(char const *fn, size_t max, char **buf, size_t *len);
/* The next item of a list read by control_lines: start *pos at 0. */
char const *control_next(char const *buf, size_t len, size_t *pos);

#endif
