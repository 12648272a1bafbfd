/* envuid: drop to $UID/$GID. See envuid.h. */
#include "common/envuid.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <unistd.h>

#define GROUPS_MAX 64

/* A decimal id from the environment: 1 and *v, 0 unset, -1 malformed. */
static int env_id(char const *name, unsigned long *v)
{
  char const *s = getenv(name);
  char *end;
  if (!s || !*s) return 0;
  *v = strtoul(s, &end, 10);
  return *end || *v > 0xfffffffeUL ? -1 : 1;
}

static size_t grouplist(char const *s, gid_t *g)
{
  size_t n = 0;
  while (s && *s && n < GROUPS_MAX) {
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s) break;
    g[n++] = (gid_t)v;
    s = *end == ',' ? end + 1 : end;
    if (*end && *end != ',') break;
  }
  return n;
}

int envuid_drop(void)
{
  unsigned long uid, gid;
  int hu = env_id("UID", &uid), hg = env_id("GID", &gid);
  if (hu < 0 || hg < 0) { errno = EINVAL; return -1; }
  if (hu && hg) {
    gid_t g[GROUPS_MAX];
    size_t n = grouplist(getenv("GIDLIST"), g);
    if (!n) { g[0] = (gid_t)gid; n = 1; }
    if (setgroups(n, g) < 0 || setgid((gid_t)gid) < 0 || setuid((uid_t)uid) < 0) return -1;
  }
  if (!geteuid() || !getuid()) { errno = EPERM; return -1; }
  return 0;
}
