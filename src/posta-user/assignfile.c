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

/* The two lines of the mailbox addr (at: its '@') */
static void mailbox_lines(user_ctx const *c, char const *addr, size_t at, char *lines, size_t size)
{
  char const *v = roles_name(ROLE_V);
  unsigned uid = (unsigned)c->ro.uid[ROLE_V], gid = (unsigned)c->ro.gid[ROLE_V];
  snprintf(lines, size, "=%s:%s:%u:%u:%s/mailboxes/%s/%.*s:::\n+%.*s-%s:%s:%u:%u:%s/mailboxes/%s/%.*s:-::\n",
           addr, v, uid, gid, c->home, addr + at + 1, (int)at, addr,
           (int)at, addr, addr + at, v, uid, gid, c->home, addr + at + 1, (int)at, addr);
}

/* The new text: every line but ours, ours added before the final "." */
static int rebuild(user_ctx const *c, stralloc const *in, stralloc *out, int add)
{
  char exact[VBOX_ADDR_MAX + 4], prefix[VBOX_ADDR_MAX + 4], lines[2 * PATH_MAX];
  size_t i = 0;
  int changed = 0, dot = 0;
  prefixes(c, exact, prefix, sizeof exact);
  mailbox_lines(c, c->addr, c->at, lines, sizeof lines);
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

/* The address of each of users/assign's exact lines whose home is the
 * mailbox posta-user makes, to f */
static void each_mailbox(user_ctx const *c, void (*f)(char const *key, size_t n, void *), void *arg)
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
    f(a.key, a.keylen, arg);
  }
  stralloc_free(&sa);
}

static void print_key(char const *key, size_t n, void *arg)
{
  if (buffer_put(buffer_1, key, n) < 0 || buffer_put(buffer_1, "\n", 1) < 0)
    strerr_diefu1sys(111, "write to stdout");
}

/* list */
void assignfile_print(user_ctx const *c)
{
  each_mailbox(c, &print_key, 0);
  if (buffer_flush(buffer_1) < 0) strerr_diefu1sys(111, "write to stdout");
}

static void collect_key(char const *key, size_t n, void *arg)
{
  char a[VBOX_ADDR_MAX], norm[VBOX_ADDR_MAX];
  char const *why;
  size_t at;
  if (n >= sizeof a) return;
  memcpy(a, key, n);
  a[n] = 0;
  if (vbox_addr(a, norm, &at, &why) == 0 && imptab_add(arg, norm, at, 0, 0) < 0)
    strerr_diefu1sys(111, "allocate");
}

/* export */
void assignfile_collect(user_ctx *c)
{
  each_mailbox(c, &collect_key, c->imp);
}

/* 1 when the line is one of an imported address's two lines, "=ADDR:" or
 * "+LOCAL-@DOMAIN:", compared as add compares them */
static int imported(imptab const *t, char const *line, size_t n)
{
  char a[VBOX_ADDR_MAX + 2];
  char const *colon = n > 1 ? memchr(line, ':', n) : 0;
  if (!colon || (line[0] != '=' && line[0] != '+')) return 0;
  size_t k = (size_t)(colon - line) - 1;
  char const *key = line + 1, *at = memchr(key, '@', k);
  if (line[0] == '=') return !!imptab_find(t, key, k);
  if (!at || at == key || at[-1] != '-' || k > sizeof a) return 0;
  size_t l = (size_t)(at - key) - 1;
  memcpy(a, key, l);
  memcpy(a + l, at, k - l - 1);
  return !!imptab_find(t, a, k - 1);
}

/* The new text: every line but the imported addresses', theirs added
 * before the final "." */
static void merge(user_ctx const *c, stralloc const *in, stralloc *out)
{
  imptab const *t = c->imp;
  char lines[2 * PATH_MAX];
  size_t i = 0;
  int dot = 0;
  while (i <= in->len) {
    char const *line = in->s ? in->s + i : "";
    size_t n = i < in->len ? (size_t)((char const *)memchr(line, '\n', in->len - i) - line) : 0;
    int last = i == in->len;
    i += n + 1;
    if (!last && imported(t, line, n)) continue;
    if (!dot && (last || (n == 1 && line[0] == '.'))) {
      dot = 1;
      for (size_t j = 0; j < t->n; j++) {
        mailbox_lines(c, imptab_addr(t, t->e + j), t->e[j].at, lines, sizeof lines);
        if (!stralloc_cats(out, lines)) strerr_diefu1sys(111, "allocate");
      }
      if (last && !stralloc_cats(out, ".\n")) strerr_diefu1sys(111, "allocate");
    }
    if (!last && !stralloc_catb(out, line, n + 1)) strerr_diefu1sys(111, "allocate");
  }
}

/* import, as root: one rewrite of users/assign, one users/cdb */
void assignfile_import(user_ctx *c)
{
  stralloc in = STRALLOC_ZERO, out = STRALLOC_ZERO;
  int e = newu_lock();
  if (e) _exit(e);   /* newu said why */
  linefile_read(ASSIGN, ASSIGN_FILE_MAX, &in);
  merge(c, &in, &out);
  if (durable_replace(ASSIGN, ASSIGN ".tmp", out.s, out.len, 0644) < 0) strerr_diefu2sys(111, "rewrite ", ASSIGN);
  if ((e = newu_compile())) _exit(e);
  stralloc_free(&in);
  stralloc_free(&out);
}
