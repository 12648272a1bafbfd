/* domains: local or remote, from locals and virtualdomains. See domains.h. */
#include "common/domains.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/control.h"

static void lower(char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] >= 'A' && s[i] <= 'Z') s[i] = (char)(s[i] + 32);
}

/* virtualdomains lines become "key\0prefix\0"; a line without ':' is ignored */
static void split_vdoms(domains *d)
{
  size_t pos = 0, out = 0;
  char const *item;
  char *s = d->vdoms;
  while ((item = control_next(s, d->vdoms_len, &pos))) {
    size_t n = strlen(item);
    char const *colon = memchr(item, ':', n);
    if (!colon) continue;
    size_t k = (size_t)(colon - item);
    memmove(s + out, item, n + 1);
    lower(s + out, k);
    s[out + k] = 0;
    out += n + 1;
  }
  d->vdoms_len = out;
}

/* dir/fn, or fn when dir is 0. 0 or -1 (ENAMETOOLONG). */
static int at(char *buf, char const *dir, char const *fn)
{
  if (!dir) dir = ".";
  if ((size_t)snprintf(buf, PATH_MAX, "%s/%s", dir, fn) < PATH_MAX) return 0;
  errno = ENAMETOOLONG;
  return -1;
}

int domains_load(domains *d)
{
  return domains_load_in(d, 0);
}

int domains_load_in(domains *d, char const *dir)
{
  char fme[PATH_MAX], flocals[PATH_MAX], fvdoms[PATH_MAX];
  size_t pos = 0;
  char const *item;
  domains_free(d);
  if (at(fme, dir, "control/me") < 0 || at(flocals, dir, "control/locals") < 0
      || at(fvdoms, dir, "control/virtualdomains") < 0) return -1;
  if (control_line(fme, d->me, sizeof d->me, "localhost") < 0) return -1;
  lower(d->me, strlen(d->me));
  int r = control_lines(flocals, 16 << 20, &d->locals, &d->locals_len);
  if (r < 0) return -1;
  if (!r) {
    /* qmail's default: without control/locals, only control/me is local */
    size_t n = strlen(d->me) + 1;
    if (!(d->locals = malloc(n))) return -1;
    memcpy(d->locals, d->me, n);
    d->locals_len = n;
  }
  while ((item = control_next(d->locals, d->locals_len, &pos))) lower((char *)item, strlen(item));
  if (control_lines(fvdoms, 16 << 20, &d->vdoms, &d->vdoms_len) < 0) {
    int e = errno;
    domains_free(d);
    errno = e;
    return -1;
  }
  split_vdoms(d);
  return 0;
}

void domains_free(domains *d)
{
  free(d->locals);
  free(d->vdoms);
  d->locals = d->vdoms = 0;
  d->locals_len = d->vdoms_len = 0;
}

static int in_locals(domains const *d, char const *dom, size_t n)
{
  size_t pos = 0;
  char const *item;
  while ((item = control_next(d->locals, d->locals_len, &pos)))
    if (strlen(item) == n && !strncasecmp(item, dom, n)) return 1;
  return 0;
}

/* The prefix virtualdomains gives key (n bytes), or 0 when there is none. */
static char const *vdom_prefix(domains const *d, char const *key, size_t n)
{
  size_t pos = 0;
  char const *k;
  while ((k = control_next(d->vdoms, d->vdoms_len, &pos))) {
    char const *prefix = control_next(d->vdoms, d->vdoms_len, &pos);
    if (!prefix) break;
    if (strlen(k) == n && !strncasecmp(k, key, n)) return prefix;
  }
  return 0;
}

/* The prefix for addr@dom, or 0. An empty prefix (an exception) is "". */
static char const *vdom_lookup(domains const *d, char const *addr, size_t alen, char const *dom, size_t dlen)
{
  char const *p = vdom_prefix(d, addr, alen);
  if (p) return p;
  for (size_t i = 0; i < dlen; i++) {
    if (i && dom[i] != '.') continue;
    p = vdom_prefix(d, dom + i, dlen - i);
    if (p) return p;
  }
  return 0;
}

int domains_is_local(domains const *d, char const *domain)
{
  size_t n = strlen(domain);
  if (in_locals(d, domain, n)) return 1;
  for (size_t i = 0; i < n; i++) {
    if (i && domain[i] != '.') continue;
    char const *p = vdom_prefix(d, domain + i, n - i);
    if (p) return !!*p;
  }
  return 0;
}

static int put(char *out, size_t outsize, size_t *len, char const *s, size_t n)
{
  if (n >= outsize - *len) { errno = ENAMETOOLONG; return -1; }
  memcpy(out + *len, s, n);
  *len += n;
  out[*len] = 0;
  return 0;
}

int domains_route(domains const *d, char const *addr, char *out, size_t outsize)
{
  size_t alen = strlen(addr), len = 0;
  char const *at = strrchr(addr, '@');
  char const *dom = at ? at + 1 : d->me;
  size_t llen = at ? (size_t)(at - addr) : alen;
  size_t dlen = strlen(dom);
  char const *prefix = 0;
  int local = 1;
  if (!outsize) { errno = ENAMETOOLONG; return -1; }
  out[0] = 0;
  if (!in_locals(d, dom, dlen)) {
    prefix = vdom_lookup(d, addr, at ? alen : llen, dom, dlen);
    local = prefix && *prefix;
  }
  if (local && prefix && (put(out, outsize, &len, prefix, strlen(prefix)) < 0 || put(out, outsize, &len, "-", 1) < 0)) return -1;
  if (put(out, outsize, &len, addr, llen) < 0 || put(out, outsize, &len, "@", 1) < 0) return -1;
  size_t dstart = len;
  if (put(out, outsize, &len, dom, dlen) < 0) return -1;
  lower(out + dstart, dlen);
  return local ? DOMAINS_LOCAL : DOMAINS_REMOTE;
}
