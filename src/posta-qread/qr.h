/* qr: posta-qread's blocks. One block per queued message, from its records
 * (doc/queue.md): a todo record while posta-send has not preprocessed the
 * message, else its info record and its local and remote recipients
 * records. The formatting is pure (qr_format.c); qr_read.c reads the files.
 * Nothing here writes to the queue. */
#ifndef POSTA_QR_H
#define POSTA_QR_H

#include <stddef.h>
#include <stdint.h>

#include <skalibs/stralloc.h>

/* qr_format.c: append one block to out. 0, or -1 with errno EPROTO (a
 * record that is not whole: nothing appended) or ENOMEM. local and remote
 * may be 0 (no such record). */
int qr_format_todo(stralloc *out, uint64_t id, uint64_t size, char const *todo, size_t len);
int qr_format_info(stralloc *out, uint64_t id, char const *info, size_t ilen,
                   char const *local, size_t llen, char const *remote, size_t rlen);

/* qr_read.c: reads message id's records and appends its block to out;
 * a message in neither state (being injected, or done) gives nothing.
 * 0, or -1 with errno; an unreadable record gives a line saying so. */
int qr_message(stralloc *out, uint64_t id);
/* 1 when id is a message of the queue (a mess file), 0 not, -1 error. */
int qr_exists(uint64_t id);

#endif
