/* assignfile: virtual mailboxes recorded in users/assign, when root runs
 * posta-user (CONTRACT.md: add rebuilds users/cdb, del removes the address
 * from users/assign). Each mailbox is two lines, qmail's syntax with
 * posta's domain-scoped keys:
 *   =LOCAL@DOMAIN:posta-v:UID:GID:DIR/mailboxes/DOMAIN/LOCAL:::
 *   +LOCAL-@DOMAIN:posta-v:UID:GID:DIR/mailboxes/DOMAIN/LOCAL:-::
 * the second for extension addresses (LOCAL-EXT@DOMAIN, .qmail-EXT).
 * users/assign is rewritten atomically and users/cdb rebuilt from it under
 * the lock on users/ (sk/newu.c). Lines an operator wrote are kept as they
 * are. posta-v, which cannot write users/, uses mailboxes/.virtual instead
 * (vlist.c). Dies on error. */
#include "posta-user/user.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>

#include "common/durable.h"
#include "sk/assign.h"
#include "sk/newu.h"

#define ASSIGN "users/assign"

/* The two line prefixes ("=LOCAL@DOMAIN:" and "+LOCAL-@DOMAIN:") of addr. */
static void prefixes(user_ctx const *c, char *exact, char *prefix, size_t size)
{
  snprintf(exact, size, "=%s:", c->addr);
  snprintf(prefix, size, "+%.*s-%s:", (int)c->at, c->addr, c->addr + c->at);
}

static int starts(char const *line, size_t n, char const *p)
{
  size_t k = strlen(p);
  return n >= k && !memcmp(line, p, k);
}

int assignfile_has(user_ctx const *c)
{
  char exact[VBOX_ADDR_MAX + 4], prefix[VBOX_ADDR_MAX + 4];
  stralloc sa = STRALLOC_ZERO;
  size_t i = 0;
  int found = 0;
  prefixes(c, exact, prefix, sizeof exact);
  linefile_read(ASSIGN, ASSIGN_FILE_MAX, &sa);
  while (i < sa.len && !found) {
    char const *nl = memchr(sa.s + i, '\n', sa.len - i);
    size_t end = (size_t)(nl - sa.s);
    found = starts(sa.s + i, end - i, exact);
    i = end + 1;
  }
  stralloc_free(&sa);
  return found;
}

/* The new text: every line but ours, ours added before the final "." */
static int rebuild(user_ctx const *c, stralloc const *in, stralloc *out, int add)
{
  char exact[VBOX_ADDR_MAX + 4], prefix[VBOX_ADDR_MAX + 4], lines[2 * PATH_MAX];
  size_t i = 0;
  int changed = 0, dot = 0;
  prefixes(c, exact, prefix, sizeof exact);
  snprintf(lines, sizeof lines, "%s%s:%u:%u:%s/mailboxes/%s/%.*s:::\n%s%s:%u:%u:%s/mailboxes/%s/%.*s:-::\n",
           exact, roles_name(ROLE_V), (unsigned)c->ro.uid[ROLE_V], (unsigned)c->ro.gid[ROLE_V], c->home,
           c->addr + c->at + 1, (int)c->at, c->addr,
           prefix, roles_name(ROLE_V), (unsigned)c->ro.uid[ROLE_V], (unsigned)c->ro.gid[ROLE_V], c->home,
           c->addr + c->at + 1, (int)c->at, c->addr);
  while (i < in->len) {
    char const *line = in->s + i;
    size_t n = (size_t)((char const *)memchr(line, '\n', in->len - i) - line);
    i += n + 1;
    if (starts(line, n, exact) || starts(line, n, prefix)) {
      if (!add) changed = 1;
      continue;
    }
    if (n == 1 && line[0] == '.' && !dot) {
      dot = 1;
      if (add && !stralloc_cats(out, lines)) return -1;
    }
    if (!stralloc_catb(out, line, n + 1)) return -1;
  }
  if (!dot && ((add && !stralloc_cats(out, lines)) || !stralloc_cats(out, ".\n"))) return -1;
  return add || changed;
}

int assignfile_change(user_ctx *c, int add)
{
  stralloc in = STRALLOC_ZERO, out = STRALLOC_ZERO;
  int e = newu_lock();
  if (e) _exit(e);   /* newu said why */
  linefile_read(ASSIGN, ASSIGN_FILE_MAX, &in);
  int r = rebuild(c, &in, &out, add);
  if (r < 0) strerr_diefu1sys(111, "allocate");
  if (r && durable_replace(ASSIGN, ASSIGN ".tmp", out.s, out.len, 0644) < 0)
    strerr_diefu2sys(111, "rewrite ", ASSIGN);
  if ((e = newu_compile())) _exit(e);
  stralloc_free(&in);
  stralloc_free(&out);
  return r;
}

/* list: the exact lines whose home is the mailbox posta-user makes */
void assignfile_print(user_ctx const *c)
{
  stralloc sa = STRALLOC_ZERO;
  size_t i = 0;
  linefile_read(ASSIGN, ASSIGN_FILE_MAX, &sa);
  while (i < sa.len) {
    char *line = sa.s + i;
    size_t n = (size_t)((char *)memchr(line, '\n', sa.len - i) - line);
    i += n + 1;
    assign_line a;
    char const *why;
    char home[PATH_MAX];
    if (n < 2 || line[0] != '=' || assign_parse_line(line, n, &a, &why) != 1) continue;
    char const *at = memchr(a.key, '@', a.keylen);
    if (!at) continue;
    snprintf(home, sizeof home, "%s/mailboxes/%s/%.*s", c->home, at + 1, (int)(at - a.key), a.key);
    if (strcmp(a.home, home) || a.uid != c->ro.uid[ROLE_V]) continue;
    if (buffer_put(buffer_1, a.key, a.keylen) < 0 || buffer_put(buffer_1, "\n", 1) < 0)
      strerr_diefu1sys(111, "write to stdout");
  }
  if (buffer_flush(buffer_1) < 0) strerr_diefu1sys(111, "write to stdout");
  stralloc_free(&sa);
}
