/* retrysched: control/retryschedule and the time of the next attempt.
 *
 * The file holds the seconds to wait between attempts, one number a line;
 * the last one repeats. After the first failed attempt the wait is the
 * first number, after the second the second, and so on. Both recipients
 * (per message) and destinations (per remote domain) follow it. Missing
 * file: RETRYSCHED_DEFAULT. libc only; never exits. */
#ifndef POSTA_SEND_RETRYSCHED_H
#define POSTA_SEND_RETRYSCHED_H

#include <stddef.h>
#include <stdint.h>

#define RETRYSCHED_MAX 64            /* lines kept; more is an error */
#define RETRYSCHED_LIMIT 604800      /* no wait beyond a week */
/* 1 min, 5 min, 10 min, 20 min, 30 min, then every hour */
#define RETRYSCHED_DEFAULT { 60, 300, 600, 1200, 1800, 3600 }

typedef struct retrysched_s retrysched;
struct retrysched_s {
  uint32_t delay[RETRYSCHED_MAX];
  unsigned n;                        /* at least 1 */
};

void retrysched_default(retrysched *);
/* Parses the items of a list (control_lines' format: NUL-terminated
 * items). 0, or -1 with errno EINVAL (a line that is not a number from 1 to
 * RETRYSCHED_LIMIT, more than RETRYSCHED_MAX lines, or no line at all);
 * *r is changed only on success. */
int retrysched_parse(retrysched *r, char const *items, size_t len);
/* Reads control/retryschedule (relative to the working directory):
 * 0 (read, or missing: the default), -1 with errno. */
int retrysched_load(retrysched *r, char const *fn);
/* Seconds to wait after the attempts-th failed attempt (attempts >= 1;
 * 0 counts as 1). */
uint32_t retrysched_delay(retrysched const *r, uint32_t attempts);
/* now + retrysched_delay. */
uint64_t retrysched_next(retrysched const *r, uint64_t now, uint32_t attempts);

#endif
