/* dsn_fmt: the text primitives of dsn_compose: a growing buffer, header
 * fields folded to RFC 5322's limits, plain text wrapped into lines, dates,
 * durations and typed addresses for a message/delivery-status part.
 *
 * Every function that takes text from outside (a record, a message) copies
 * it so that no CR, LF, NUL or other control character survives: they become
 * spaces. No output line is longer than DSN_LINE_MAX bytes. A failed
 * allocation is remembered in the buffer (err) and reported once by whoever
 * finishes it. libc only; nothing here reads a clock or a file. */
#ifndef POSTA_DSN_FMT_H
#define POSTA_DSN_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "common/dsn.h"

#define DSN_FOLD 78        /* fold header fields before this column */
#define DSN_WRAP 72        /* wrap plain text at this column */

void dsn_fmt_put(dsn_buf *, char const *, size_t);
void dsn_fmt_puts(dsn_buf *, char const *);
void dsn_fmt_putc(dsn_buf *, char);
void dsn_fmt_putu(dsn_buf *, uint64_t);

/* "NAME: VALUE\n", folded at whitespace before column DSN_FOLD where the
 * value allows it, and cut into continuation lines at DSN_LINE_MAX where it
 * does not; control characters become spaces, trailing spaces go. */
void dsn_fmt_field(dsn_buf *, char const *name, char const *value, size_t len);
void dsn_fmt_fields(dsn_buf *, char const *name, char const *value);

/* Plain text, words wrapped at width, each line starting with indent;
 * runs of whitespace and control characters become one space. A word too
 * long for one line is cut at DSN_LINE_MAX. Ends with a newline. */
void dsn_fmt_wrap(dsn_buf *, char const *indent, char const *text, size_t len, size_t width);

/* Copies text with every byte outside printable ASCII replaced: controls
 * by a space, 8-bit bytes by '?'. For text that must stay 7-bit. */
void dsn_fmt_ascii(dsn_buf *, char const *text, size_t len);

/* An address typed for a delivery-status field: "rfc822; ADDR" when it is
 * printable ASCII, else "utf-8; " and RFC 6533's utf-8-addr-xtext. */
void dsn_fmt_addr_typed(dsn_buf *, char const *addr);

/* RFC 5322 date-time in UTC: "Tue, 14 Nov 2023 22:13:20 +0000".
 * buf holds DSN_DATE_MAX bytes; returns the length. */
#define DSN_DATE_MAX 40
size_t dsn_fmt_date(char *buf, int64_t t);
/* "5 days", "4 hours", "1 minute", "30 seconds": the largest unit that
 * fits, rounded down. buf holds DSN_DURATION_MAX bytes. */
#define DSN_DURATION_MAX 32
size_t dsn_fmt_duration(char *buf, int64_t secs);

/* 1 when s[0..len) holds a byte with the high bit set. */
int dsn_fmt_has8bit(char const *s, size_t len);

#endif
