/* ctlfile: add a domain to control/locals or control/rcpthosts. See
 * user.h. The file is rewritten whole (write .tmp, fsync, rename, fsync
 * control/), so a reader sees the old list or the new one. Dies on error. */
#include "posta-user/user.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>

#include "common/control.h"
#include "common/durable.h"

#define CTL_MAX (16u << 20)

int ctlfile_has(char const *fn, char const *domain)
{
  char *buf;
  size_t len, pos = 0;
  char const *item;
  int r = control_lines(fn, CTL_MAX, &buf, &len);
  if (r < 0) strerr_diefu2sys(111, "read ", fn);
  if (!r) {
    /* without the file, qmail's default is control/me alone */
    char me[256];
    if (control_line("control/me", me, sizeof me, "localhost") < 0) strerr_diefu2sys(111, "read ", "control/me");
    return !strcasecmp(me, domain);
  }
  while ((item = control_next(buf, len, &pos)))
    if (!strcasecmp(item, domain)) { free(buf); return 1; }
  free(buf);
  return 0;
}

int ctlfile_add(char const *fn, char const *domain)
{
  stralloc sa = STRALLOC_ZERO;
  char tmp[256];
  if (ctlfile_has(fn, domain)) return 0;
  if (!linefile_read(fn, CTL_MAX, &sa)) {
    char me[256];
    if (control_line("control/me", me, sizeof me, "localhost") < 0) strerr_diefu2sys(111, "read ", "control/me");
    if (!stralloc_cats(&sa, me) || !stralloc_append(&sa, '\n')) strerr_diefu1sys(111, "allocate");
  }
  if (!stralloc_cats(&sa, domain) || !stralloc_append(&sa, '\n')) strerr_diefu1sys(111, "allocate");
  if (strlen(fn) + 5 > sizeof tmp) strerr_dief2x(111, "file name too long: ", fn);
  strcpy(tmp, fn);
  strcat(tmp, ".tmp");
  if (durable_replace(fn, tmp, sa.s, sa.len, 0644) < 0) strerr_diefu2sys(111, "rewrite ", fn);
  stralloc_free(&sa);
  return 1;
}
