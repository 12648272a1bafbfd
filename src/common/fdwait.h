/* fdwait: waiting on one descriptor until a deadline.
 *
 * A deadline is a point of CLOCK_MONOTONIC (a clock that the date being
 * set does not move). fdwait polls fd for events until one comes or the
 * deadline passes; a signal (EINTR) resumes the wait with the time left,
 * so signals neither end it early nor stretch it. A poll(2) timeout is an
 * int of milliseconds: a longer wait is made of several.
 *
 * libc only (poll, clock_gettime): the programs on skalibs and the one on
 * libowfat share it. Returns 0 or -1 with errno (ETIMEDOUT when the
 * deadline passed, else poll's); never exits, never prints. */
#ifndef POSTA_FDWAIT_H
#define POSTA_FDWAIT_H

#include <time.h>

/* *d: ms milliseconds (>= 0) from now. */
void fdwait_deadline(struct timespec *d, long long ms);
/* The milliseconds left before d, rounded up; 0 once it passed. */
long long fdwait_left(struct timespec const *d);
/* Waits until fd is ready for events (POLLIN, POLLOUT) or d passes; d 0:
 * no deadline. 0 when ready (or on POLLHUP, POLLERR: the next read or
 * write tells), -1 ETIMEDOUT. */
int fdwait(int fd, short events, struct timespec const *d);
/* fdwait with a deadline ms milliseconds from now; ms < 0: for ever. */
int fdwait_ms(int fd, short events, long long ms);

#endif
