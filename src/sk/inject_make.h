/* inject_make: the values of the fields local submission adds: From (the
 * user's full name and address), Date (local time, RFC 5322) and
 * Message-ID. Pure formatting but for the random part of Message-ID and
 * the local time zone. Never exits. */
#ifndef POSTA_INJECT_MAKE_H
#define POSTA_INJECT_MAKE_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <skalibs/stralloc.h>

/* Appends "Name <addr>" (or "addr" when name is empty) to out. The name
 * loses every control character and is quoted, with '"' and '\' escaped,
 * unless it is atoms and spaces only. 0 or -1 (ENOMEM). */
int inject_make_from(stralloc *out, char const *name, char const *addr);
/* "Tue, 14 Nov 2023 23:13:20 +0100" in the local time zone; 0 when size is
 * too small, else the length. */
size_t inject_make_date(char *buf, size_t size, time_t when);
/* "<WHEN.PID.RANDOM@host>": unique without any state; 0 or the length. */
size_t inject_make_msgid(char *buf, size_t size, time_t when, pid_t pid, char const *host);

#endif
