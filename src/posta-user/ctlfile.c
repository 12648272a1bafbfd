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

/* The file's text, or control/me's line when it does not exist */
static void text_of(char const *fn, stralloc *sa)
{
  if (linefile_read(fn, CTL_MAX, sa)) return;
  char me[256];
  if (control_line("control/me", me, sizeof me, "localhost") < 0) strerr_diefu2sys(111, "read ", "control/me");
  if (!stralloc_cats(sa, me) || !stralloc_append(sa, '\n')) strerr_diefu1sys(111, "allocate");
}

static void replace(char const *fn, stralloc const *sa)
{
  char tmp[256];
  if (strlen(fn) + 5 > sizeof tmp) strerr_dief2x(111, "file name too long: ", fn);
  strcpy(tmp, fn);
  strcat(tmp, ".tmp");
  if (durable_replace(fn, tmp, sa->s, sa->len, 0644) < 0) strerr_diefu2sys(111, "rewrite ", fn);
}

int ctlfile_add(char const *fn, char const *domain)
{
  stralloc sa = STRALLOC_ZERO;
  if (ctlfile_has(fn, domain)) return 0;
  text_of(fn, &sa);
  if (!stralloc_cats(&sa, domain) || !stralloc_append(&sa, '\n')) strerr_diefu1sys(111, "allocate");
  replace(fn, &sa);
  stralloc_free(&sa);
  return 1;
}

static int cmpcase(void const *a, void const *b)
{
  return strcasecmp(*(char const *const *)a, *(char const *const *)b);
}

/* The file's items, sorted without case: a malloc'd array, *n its size;
 * *buf holds their text (0 when the file does not exist). */
static char const **items(char const *fn, char **buf, size_t *n)
{
  size_t len, pos = 0, k = 0;
  char const *item;
  int r = control_lines(fn, CTL_MAX, buf, &len);
  if (r < 0) strerr_diefu2sys(111, "read ", fn);
  if (!r) *buf = 0, len = 0;
  char const **v = malloc((len / 2 + 2) * sizeof *v);
  if (!v) strerr_diefu1sys(111, "allocate");
  while (r && (item = control_next(*buf, len, &pos))) v[k++] = item;
  qsort(v, k, sizeof *v, &cmpcase);
  *n = k;
  return v;
}

size_t ctlfile_merge(char const *fn, char const *const *doms, size_t n, int write)
{
  stralloc add = STRALLOC_ZERO, sa = STRALLOC_ZERO;
  char *buf;
  size_t k, missing = 0;
  char const **v = items(fn, &buf, &k);
  for (size_t i = 0; i < n; i++) {
    if (buf ? bsearch(doms + i, v, k, sizeof *v, &cmpcase) != 0 : ctlfile_has(fn, doms[i])) continue;
    missing++;
    if (!stralloc_cats(&add, doms[i]) || !stralloc_append(&add, '\n')) strerr_diefu1sys(111, "allocate");
  }
  if (write && missing) {
    text_of(fn, &sa);
    if (!stralloc_catb(&sa, add.s, add.len)) strerr_diefu1sys(111, "allocate");
    replace(fn, &sa);
  }
  stralloc_free(&add);
  stralloc_free(&sa);
  free(v);
  free(buf);
  return missing;
}
