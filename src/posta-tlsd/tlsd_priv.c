/* tlsd_priv: dropping root, and the client's address for the log.
 *
 * $UID and $GID (and $GIDLIST), as s6-envuidgid sets them, name the user
 * posta-tlsd and posta-smtpd run as; root without them is refused, since
 * neither must parse a byte from the network as root. Whoever it runs as,
 * the process is made undumpable: the SMTP parser, running as the same
 * user, can then neither trace it nor read its memory (and the key in it)
 * through /proc. See tlsd.h. */
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/nodump.h"
#include "posta-tlsd/tlsd.h"

#define GROUPS_MAX 64

/* A decimal id from the environment: 0 and *v, or -1. */
static int env_id(char const *name, unsigned long *v)
{
  char const *s = getenv(name);
  char *end;
  if (!s || !*s) return -1;
  *v = strtoul(s, &end, 10);
  return *end || *v > 0xfffffffeUL ? -1 : 0;
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

void tlsd_drop(void)
{
  unsigned long uid, gid;
  int have = env_id("UID", &uid) == 0 && env_id("GID", &gid) == 0;
  if (have) {
    gid_t g[GROUPS_MAX];
    size_t n = grouplist(getenv("GIDLIST"), g);
    if (!n) { g[0] = (gid_t)gid; n = 1; }
    if (setgroups(n, g) < 0 || setgid((gid_t)gid) < 0 || setuid((uid_t)uid) < 0)
      strerr_diefu1sys(111, "drop privileges to $UID and $GID");
  }
  if (!geteuid() || !getuid()) strerr_dief1x(100, "refusing to run as root: set UID and GID (s6-envuidgid)");
  if (nodump() < 0) strerr_diefu1sys(111, "make the process undumpable");
}

void tlsd_client_ip(tlsd *t)
{
  char const *s = getenv("TCPREMOTEIP");
  size_t n = 0;
  for (; s && *s && n + 1 < sizeof t->ip; s++)
    t->ip[n++] = (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F') || *s == '.' || *s == ':' ? *s : '?';
  if (!n) t->ip[n++] = '?';
  t->ip[n] = 0;
}
