/* slog: posta-send's log lines, in the one form doc/log-format.md gives.
 *
 * Every event is one line on stderr, written with one write(2) so that
 * lines never interleave, with no timestamp (s6-log adds it). Whatever came
 * from a message, a mailbox owner or a remote server is escaped by
 * common/esc.h: an address (ESC_ADDR) is written inside <> with every byte
 * outside 0x21-0x7e, and \ < >, as \xHH; a text (ESC_TEXT) keeps spaces and
 * printable bytes and writes control bytes, DEL and \ as \xHH. So no CR,
 * LF or NUL ever reaches the log. Lines longer than SLOG_LINE_MAX are cut
 * and end in "...". libc only; a failed write is ignored (there is nowhere
 * else to say it). */
#ifndef POSTA_SEND_SLOG_H
#define POSTA_SEND_SLOG_H

#include <stddef.h>
#include <stdint.h>

#define SLOG_LINE_MAX 4096

typedef struct slog_s slog;
struct slog_s {
  char s[SLOG_LINE_MAX + 8];
  size_t len;
  int cut;
  int fd;
};

void slog_start(slog *, int fd);
void slog_str(slog *, char const *);           /* trusted text, as is */
void slog_u(slog *, uint64_t);
void slog_addr(slog *, char const *);          /* <escaped address> */
void slog_text(slog *, char const *);          /* escaped text */
/* Starts the line of an event about a message: "HEAD msg ID". */
void slog_msg(slog *, int fd, char const *head, uint64_t id);
/* Ends the line and writes it. */
void slog_end(slog *);

/* The whole line "posta-send: warning: unable to WHAT OBJECT: REASON" on
 * fd: REASON is strerror(e), or "malformed record" for EPROTO (the errno of
 * a record that does not parse). WHAT and OBJECT are trusted text. */
void slog_unable(int fd, char const *what, char const *object, int e);

#endif
