/* fdwait: waiting on one descriptor until a deadline. See fdwait.h. */
#include "common/fdwait.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>

void fdwait_deadline(struct timespec *d, long long ms)
{
  clock_gettime(CLOCK_MONOTONIC, d);
  d->tv_sec += (time_t)(ms / 1000);
  d->tv_nsec += (long)(ms % 1000) * 1000000;
  if (d->tv_nsec >= 1000000000) {
    d->tv_sec++;
    d->tv_nsec -= 1000000000;
  }
}

long long fdwait_left(struct timespec const *d)
{
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long long ns = ((long long)d->tv_sec - (long long)now.tv_sec) * 1000000000 + (d->tv_nsec - now.tv_nsec);
  return ns <= 0 ? 0 : (ns + 999999) / 1000000;
}

int fdwait(int fd, short events, struct timespec const *d)
{
  struct pollfd p = { .fd = fd, .events = events, .revents = 0 };
  for (;;) {
    long long left = d ? fdwait_left(d) : -1;
    int r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
    if (r > 0) return 0;
    if (r < 0 && errno != EINTR) return -1;
    /* a timeout of poll's own, or a signal: done only once d has passed */
    if (!r && d && !fdwait_left(d)) return errno = ETIMEDOUT, -1;
  }
}

int fdwait_ms(int fd, short events, long long ms)
{
  struct timespec d;
  if (ms < 0) return fdwait(fd, events, 0);
  fdwait_deadline(&d, ms);
  return fdwait(fd, events, &d);
}
