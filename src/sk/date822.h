/* date822: a time as RFC 5322 writes it, in UTC: "Sat, 14 Mar 2026
 * 12:34:56 +0000". UTC, so that no time zone file is read (posta-queue is
 * setuid) and every program prints the same. Pure; never fails but on a
 * short buffer. */
#ifndef POSTA_DATE822_H
#define POSTA_DATE822_H

#include <stddef.h>
#include <time.h>

/* Enough for any date822_utc. */
#define DATE822_MAX 40

/* Writes the date and a NUL; its length, or 0 when size is too small. */
size_t date822_utc(char *buf, size_t size, time_t when);

#endif
