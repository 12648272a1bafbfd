/* smtproutes: find a domain's route. See smtproutes.h. */
#include "posta-remote/smtproutes.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "common/control.h"

/* The colon after a line's key, or 0: a key that is an address literal
 * ends at its ']', "[IPv6:...]" holding colons of its own. */
static char const *key_end(char const *item)
{
  if (item[0] == '[') {
    char const *close = strchr(item, ']');
    return close && close[1] == ':' ? close + 1 : 0;
  }
  return strchr(item, ':');
}

/* The line whose key is key[0..n), or 0. */
static char const *line_for(char const *list, size_t len, char const *key, size_t n)
{
  size_t pos = 0;
  char const *item;
  while ((item = control_next(list, len, &pos))) {
    char const *colon = key_end(item);
    if (colon && (size_t)(colon - item) == n && !strncasecmp(item, key, n)) return item;
  }
  return 0;
}

static int parse_port(char const *s, unsigned int *port)
{
  unsigned long v = 0;
  if (!*s) return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return -1;
    v = v * 10 + (unsigned long)(*s - '0');
    if (v > 65535) return -1;
  }
  if (!v) return -1;
  *port = (unsigned int)v;
  return 0;
}

/* Parses "relay[:port]" (relay may be empty or a bracketed literal). */
static int parse_value(char const *v, smtproute *out)
{
  size_t n;
  char const *rest;
  if (*v == '[') {
    char const *end = strchr(v, ']');
    if (!end) return -1;
    n = (size_t)(end - v) + 1;
    rest = end + 1;
  } else {
    n = strcspn(v, ":");
    rest = v + n;
  }
  if (n > SMTPROUTE_HOST_MAX) return -1;
  if (memchr(v, ' ', n) || memchr(v, '\t', n)) return -1;
  memcpy(out->host, v, n);
  out->host[n] = 0;
  out->port = 25;
  if (!*rest) return 0;
  if (*rest != ':') return -1;
  return parse_port(rest + 1, &out->port);
}

int smtproutes_find(char const *list, size_t len, char const *domain, smtproute *out, char const **line)
{
  size_t dlen = strlen(domain);
  int literal = domain[0] == '[';
  char const *hit = 0;
  /* an address literal has no suffixes: its own line, or the default */
  for (size_t i = 0; i <= dlen && !hit; i++)
    if (!i || i == dlen || (!literal && domain[i] == '.'))
      hit = line_for(list, len, domain + i, dlen - i);
  out->host[0] = 0;
  out->port = 25;
  if (!hit) return 0;
  if (line) *line = hit;
  if (parse_value(key_end(hit) + 1, out) < 0) {
    errno = EINVAL;
    return -1;
  }
  return 1;
}

int smtproutes_check(char const *list, size_t len, char const **line)
{
  size_t pos = 0;
  char const *item, *colon;
  smtproute r;
  while ((item = control_next(list, len, &pos))) {
    *line = item;
    if (!(colon = key_end(item)) || parse_value(colon + 1, &r) < 0) return errno = EINVAL, -1;
  }
  return 0;
}
