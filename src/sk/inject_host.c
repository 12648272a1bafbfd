/* inject_host: defaulthost, defaultdomain, plusdomain. See inject_host.h. */
#include "sk/inject_host.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "common/control.h"
#include "sk/inject_addr.h"

/* A value fit for a header and an envelope: no control character. */
static int clean(char const *s)
{
  if (!s || !*s) return 0;
  for (; *s; s++)
    if ((unsigned char)*s < 0x21 || *s == 0x7f) return 0;
  return 1;
}

/* One setting: the environment variable env when set and clean, else the
 * file home/fn, else dflt. */
static int setting(char *buf, char const *home, char const *fn, char const *env,
                   char const *dflt, char const **failed)
{
  char path[PATH_MAX];
  char const *e = env ? getenv(env) : 0;
  if (clean(e) && strlen(e) < INJECT_HOST_MAX) {
    strcpy(buf, e);
    return 0;
  }
  if ((size_t)snprintf(path, sizeof path, "%s/%s", home, fn) >= sizeof path) {
    errno = ENAMETOOLONG;
    *failed = fn;
    return -1;
  }
  int r = control_line(path, buf, INJECT_HOST_MAX, dflt);
  if (r < 0 || (buf[0] && !clean(buf))) {
    if (r >= 0) errno = EINVAL;
    *failed = fn;
    return -1;
  }
  if (!buf[0]) snprintf(buf, INJECT_HOST_MAX, "%s", dflt);
  return 0;
}

int inject_host_load(inject_hosts *h, char const *home, char const **failed)
{
  char me[INJECT_HOST_MAX];
  struct utsname u;
  char const *sys = uname(&u) == 0 && clean(u.nodename) ? u.nodename : "localhost";
  if (setting(me, home, "control/me", 0, sys, failed) < 0) return -1;
  if (setting(h->defaulthost, home, "control/defaulthost", "QMAILDEFAULTHOST", me, failed) < 0) return -1;
  if (setting(h->defaultdomain, home, "control/defaultdomain", "QMAILDEFAULTDOMAIN", me, failed) < 0) return -1;
  if (setting(h->plusdomain, home, "control/plusdomain", "QMAILPLUSDOMAIN", me, failed) < 0) return -1;
  if (setting(h->idhost, home, "control/idhost", "QMAILIDHOST", me, failed) < 0) return -1;
  if (domains_load_in(&h->local, home) < 0) {
    *failed = "control/locals or control/virtualdomains";
    return -1;
  }
  return 0;
}

void inject_host_free(inject_hosts *h)
{
  domains_free(&h->local);
}

/* 1 when a host without a dot stays as it is (see inject_host.h). */
static int keep(inject_hosts const *h, char const *host, size_t len)
{
  char name[INJECT_HOST_MAX];
  if (!strchr(h->defaultdomain, '.')) return 1;
  if (len >= sizeof name) return 0;
  memcpy(name, host, len);
  name[len] = 0;
  if (!strcasecmp(name, "localhost") || !strcasecmp(name, h->defaultdomain)) return 1;
  return domains_is_local(&h->local, name);
}

/* Appends host completed by the rules. */
static int host_fix(inject_hosts const *h, char const *host, size_t len, stralloc *out)
{
  if (len && host[0] == '[') return stralloc_catb(out, host, len) ? 0 : -1;
  if (len && host[len - 1] == '+') {
    len--;
    if (len && (!stralloc_catb(out, host, len) || !stralloc_append(out, '.'))) return -1;
    return stralloc_cats(out, h->plusdomain) ? 0 : -1;
  }
  if (!stralloc_catb(out, host, len)) return -1;
  if (memchr(host, '.', len) || keep(h, host, len)) return 0;
  return stralloc_append(out, '.') && stralloc_cats(out, h->defaultdomain) ? 0 : -1;
}

int inject_host_fix(inject_hosts const *h, char const *addr, size_t len, stralloc *out)
{
  size_t old = out->len, at = len;
  int r = 0;
  if (!len) return 0;
  while (at && addr[at - 1] != '@') at--;
  if (!at) {
    r = stralloc_catb(out, addr, len) && stralloc_append(out, '@') ? 0 : -1;
    if (!r) r = host_fix(h, h->defaulthost, strlen(h->defaulthost), out);
  } else if (at == len) {
    r = stralloc_catb(out, addr, len) ? 0 : -1;
    if (!r) r = host_fix(h, h->defaulthost, strlen(h->defaulthost), out);
  } else {
    r = stralloc_catb(out, addr, at) ? 0 : -1;
    if (!r) r = host_fix(h, addr + at, len - at, out);
  }
  if (!r && out->len - old > INJECT_ADDR_MAX) { errno = ENAMETOOLONG; r = -1; }
  if (r < 0) out->len = old;
  return r;
}
