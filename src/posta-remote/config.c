/* config: read control/. See config.h. */
#include "posta-remote/config.h"

#include <errno.h>

#include "common/control.h"

typedef struct timeout_s timeout;
struct timeout_s {
  char const *file;
  unsigned long dflt;
  unsigned int *(*field)(job *);
};

static unsigned int *f_connect(job *j) { return &j->timeoutconnect; }
static unsigned int *f_remote(job *j) { return &j->timeoutremote; }
static unsigned int *f_dns(job *j) { return &j->timeoutdns; }

static timeout const timeouts[] = {
  { "control/timeoutconnect", CONFIG_TIMEOUTCONNECT, f_connect },
  { "control/timeoutremote", CONFIG_TIMEOUTREMOTE, f_remote },
  { "control/timeoutdns", CONFIG_TIMEOUTDNS, f_dns },
};

int config_load(job *j, char const **what)
{
  for (size_t i = 0; i < sizeof timeouts / sizeof *timeouts; i++) {
    unsigned long v;
    *what = timeouts[i].file;
    if (control_ulong(timeouts[i].file, &v, timeouts[i].dflt) < 0) return -1;
    if (!v) v = 1;
    if (v > 86400) v = 86400;
    *timeouts[i].field(j) = (unsigned int)v;
  }
  *what = "control/me";
  if (control_line("control/me", j->me, sizeof j->me, "localhost") < 0) return -1;
  *what = "control/helohost";
  if (control_line("control/helohost", j->helo, sizeof j->helo, j->me) < 0) return -1;
  if (!j->helo[0]) return errno = EINVAL, -1;
  for (char const *s = j->helo; *s; s++)
    if ((unsigned char)*s <= 32 || *s == 127) return errno = EINVAL, -1;   /* one word, no CR */
  *what = "control/smtproutes";
  if (control_lines("control/smtproutes", CONFIG_ROUTES_MAX, &j->routes, &j->routeslen) < 0) return -1;
  *what = "control/tlsdestinations";
  if (control_lines("control/tlsdestinations", CONFIG_ROUTES_MAX, &j->tlsdest, &j->tlsdestlen) < 0) return -1;
  *what = "control/moreipme";
  if (control_lines("control/moreipme", CONFIG_ROUTES_MAX, &j->moreipme, &j->moreipmelen) < 0) return -1;
  return 0;
}
