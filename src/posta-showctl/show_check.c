/* show_check: the settings whose items mean more than text, each checked
 * by the very function its reading program calls (linked in: Makefile's
 * OBJS_posta-showctl), never a copy of its rules, so that posta-showctl
 * and the program can never disagree on what is valid. See showctl.h. */
#include "posta-showctl/showctl.h"

#include <errno.h>
#include <string.h>

#include "common/control.h"
#include "posta-remote/ipme.h"
#include "posta-remote/smtproutes.h"
#include "posta-remote/tlsdest.h"
#include "posta-send/retrysched.h"

/* posta-send's retrysched_parse takes the whole list or nothing: the bad
 * item is the first whose list up to it is refused. */
static int retryschedule(char const *items, size_t len, char const **bad)
{
  retrysched r;
  size_t pos = 0;
  char const *item;
  if (retrysched_parse(&r, items, len) == 0) return 0;
  *bad = 0;   /* no item at all: refused too */
  while ((item = control_next(items, len, &pos)))
    if (retrysched_parse(&r, items, pos) < 0) { *bad = item; break; }
  return errno = EINVAL, -1;
}

static int moreipme(char const *items, size_t len, char const **bad)
{
  static ipme m;   /* 4 KiB: off the stack */
  m.n = 0;
  return ipme_more(&m, items, len, bad);
}

static struct {
  char const *name;
  showctl_check *check;
} const checks[] = {
  { "retryschedule", retryschedule },   /* posta-send */
  { "smtproutes", smtproutes_check },   /* posta-remote */
  { "tlsdestinations", tlsdest_check }, /* posta-remote */
  { "moreipme", moreipme },             /* posta-remote */
};

showctl_check *showctl_check_of(char const *name)
{
  for (size_t i = 0; i < sizeof checks / sizeof *checks; i++)
    if (!strcmp(checks[i].name, name)) return checks[i].check;
  return 0;
}
