/* vlist: mailboxes/.virtual and mailboxes/.virtual.cdb. See user.h.
 *
 * The list is the source, one address a line; the cdb is rebuilt from it
 * after every change. Each is written to NAME.tmp, fsynced and renamed,
 * then mailboxes/ is fsynced. A crash between the two renames leaves a
 * list newer than its cdb: the next change rebuilds the cdb. Dies on
 * error. */
#include "posta-user/user.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>

#include "common/durable.h"

#define VLIST_MAX (256u << 20)

/* Offset of the line equal to addr, or -1. */
static long find(stralloc const *sa, char const *addr)
{
  size_t n = strlen(addr), i = 0;
  while (i < sa->len) {
    char const *nl = memchr(sa->s + i, '\n', sa->len - i);
    size_t end = nl ? (size_t)(nl - sa->s) : sa->len;
    if (end - i == n && !memcmp(sa->s + i, addr, n)) return (long)i;
    i = end + 1;
  }
  return -1;
}

int vlist_has(user_ctx *c)
{
  stralloc sa = STRALLOC_ZERO;
  linefile_read(VBOX_LIST, VLIST_MAX, &sa);
  int r = find(&sa, c->addr) >= 0;
  stralloc_free(&sa);
  return r;
}

static void write_cdb(stralloc const *sa)
{
  char const *tmp = VBOX_CDB ".tmp";
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) strerr_diefu2sys(111, "create ", tmp);
  if (vbox_compile(sa->s, sa->len, fd) < 0 || fsync(fd) < 0 || close(fd) < 0) {
    int e = errno;
    unlink(tmp);
    errno = e;
    strerr_diefu2sys(111, "write ", tmp);
  }
  if (rename(tmp, VBOX_CDB) < 0) strerr_diefu4sys(111, "rename ", tmp, " to ", VBOX_CDB);
  if (durable_fsync_parent(VBOX_CDB) < 0) strerr_diefu2sys(111, "fsync ", "mailboxes");
}

int vlist_change(char const *addr, int add)
{
  stralloc sa = STRALLOC_ZERO;
  linefile_read(VBOX_LIST, VLIST_MAX, &sa);
  long at = find(&sa, addr);
  int changed = add ? at < 0 : at >= 0;
  if (changed && add) {
    if (!stralloc_cats(&sa, addr) || !stralloc_append(&sa, '\n')) strerr_diefu1sys(111, "allocate");
  } else if (changed) {
    size_t n = strlen(addr) + 1;
    memmove(sa.s + at, sa.s + at + n, sa.len - (size_t)at - n);
    sa.len -= n;
  }
  if (changed && durable_replace(VBOX_LIST, VBOX_LIST ".tmp", sa.s ? sa.s : "", sa.len, 0600) < 0)
    strerr_diefu2sys(111, "rewrite ", VBOX_LIST);
  /* rebuilt even when unchanged: it heals a cdb older than its list */
  write_cdb(&sa);
  stralloc_free(&sa);
  return changed;
}

void vlist_print(void)
{
  stralloc sa = STRALLOC_ZERO;
  linefile_read(VBOX_LIST, VLIST_MAX, &sa);
  if (sa.len && buffer_putflush(buffer_1, sa.s, sa.len) < 0) strerr_diefu1sys(111, "write to stdout");
  stralloc_free(&sa);
}

/* import as posta-v: the addresses the list lacks appended, one rewrite,
 * one cdb */
void vlist_import(user_ctx *c)
{
  imptab *t = c->imp;
  stralloc sa = STRALLOC_ZERO;
  size_t i = 0, len0;
  linefile_read(VBOX_LIST, VLIST_MAX, &sa);
  while (i < sa.len) {
    char const *nl = memchr(sa.s + i, '\n', sa.len - i);
    impent *e = imptab_find(t, sa.s + i, (size_t)(nl - sa.s) - i);
    if (e) e->seen = 1;
    i = (size_t)(nl - sa.s) + 1;
  }
  len0 = sa.len;
  for (i = 0; i < t->n; i++)
    if (!t->e[i].seen && (!stralloc_cats(&sa, imptab_addr(t, t->e + i)) || !stralloc_append(&sa, '\n')))
      strerr_diefu1sys(111, "allocate");
  if (sa.len != len0 && durable_replace(VBOX_LIST, VBOX_LIST ".tmp", sa.s, sa.len, 0600) < 0)
    strerr_diefu2sys(111, "rewrite ", VBOX_LIST);
  write_cdb(&sa);
  stralloc_free(&sa);
}

/* export: the list's acceptable addresses */
void vlist_collect(user_ctx *c)
{
  stralloc sa = STRALLOC_ZERO;
  size_t i = 0;
  linefile_read(VBOX_LIST, VLIST_MAX, &sa);
  while (i < sa.len) {
    char *nl = memchr(sa.s + i, '\n', sa.len - i);
    char norm[VBOX_ADDR_MAX];
    char const *why;
    size_t at;
    *nl = 0;
    if (!memchr(sa.s + i, 0, (size_t)(nl - sa.s) - i) && vbox_addr(sa.s + i, norm, &at, &why) == 0
        && imptab_add(c->imp, norm, at, 0, 0) < 0)
      strerr_diefu1sys(111, "allocate");
    i = (size_t)(nl - sa.s) + 1;
  }
  stralloc_free(&sa);
}
