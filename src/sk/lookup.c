/* lookup: find the owner of a local address. See lookup.h.
 *
 * users/cdb (domain-scoped keys first, then plain ones; exact before
 * prefix, the longest prefix first), posta-user's virtual mailboxes, the
 * system accounts, the alias user. Returns 1 or -1 (lookup_exists also 0);
 * never exits, never writes a file; opens the cdbs with O_NOFOLLOW and
 * O_NONBLOCK, regular files only (posta-v owns mailboxes/). */
#include "sk/lookup.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/cdb.h>

#include "common/mdsize.h"
#include "conf.h"
#include "sk/assign.h"
#include "sk/dotqmail.h"
#include "sk/vbox.h"

#define LOCAL_MAX 1000

static void lower(char *dst, char const *src, size_t n)
{
  for (size_t i = 0; i < n; i++)
    dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] + 32) : src[i];
  dst[n] = 0;
}

static int set(char *dst, size_t size, char const *a, size_t an, char const *b, size_t bn)
{
  if (an + bn >= size) { errno = ENAMETOOLONG; return -1; }
  memcpy(dst, a, an);
  memcpy(dst + an, b, bn);
  dst[an + bn] = 0;
  return 0;
}

/* One scope (domain, or 0 for the plain keys): exact, then prefixes. */
static int assign_scope(cdb const *c, char const *local, size_t n, char const *domain, lookup_result *r)
{
  char key[ASSIGN_KEY_MAX];
  cdb_data d;
  size_t klen = assign_key(key, '=', local, n, domain);
  int f;
  if (!klen) return 0;
  if ((f = cdb_find(c, &d, key, (uint32_t)klen)) < 0) { errno = EPROTO; return -1; }
  if (f) return assign_value(d.s, d.len, r) < 0 ? -1 : 1;
  for (size_t i = n + 1; i-- > 0;) {
    klen = assign_key(key, '+', local, i, domain);
    if (!klen) continue;
    if ((f = cdb_find(c, &d, key, (uint32_t)klen)) < 0) { errno = EPROTO; return -1; }
    if (!f) continue;
    if (assign_value(d.s, d.len, r) < 0) return -1;
    char pre[sizeof r->ext];
    memcpy(pre, r->ext, sizeof pre);
    return set(r->ext, sizeof r->ext, pre, strlen(pre), local + i, n - i) < 0 ? -1 : 1;
  }
  return 0;
}

/* cdb_init for a file another uid may replace (posta-v owns mailboxes/,
 * and posta-lspawn's child reads it as root): never through a symbolic
 * link, never blocking on a FIFO, a regular file only (else EINVAL).
 * 1 or 0 with errno, as cdb_init. */
static int cdb_open(cdb *c, char const *fn)
{
  struct stat st;
  int fd = open(fn, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return 0;
  int ok = fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || (errno = EINVAL, 0)) && cdb_init_fromfd(c, fd);
  int e = errno;
  close(fd);
  errno = e;
  return ok;
}

static int lookup_assign(char const *local, size_t n, char const *domain, lookup_result *r)
{
  cdb c = CDB_ZERO;
  int f;
  if (!cdb_open(&c, "users/cdb")) return errno == ENOENT ? 0 : -1;
  f = assign_scope(&c, local, n, domain, r);
  if (!f) f = assign_scope(&c, local, n, 0, r);
  cdb_free(&c);
  if (f == 1) r->kind = LOOKUP_ASSIGN;
  return f;
}

/* uid, gid and user name of a role of this instance (posta-v, posta-alias).
 * roles_load's rule (src/common/roles.c) for one role only, since this runs
 * for every delivery: a queue owned by posta-q means a root-made instance,
 * one user per role; anything else is single-user, the queue's owner being
 * every role. */
static int role_user(char const *name, lookup_result *r)
{
  struct stat st;
  struct passwd *pw;
  if (stat("queue", &st) < 0) return -1;
  errno = 0;
  pw = getpwnam(CONF_POSTA_Q);
  if (pw && pw->pw_uid == st.st_uid && st.st_uid) {
    errno = 0;
    if (!(pw = getpwnam(name))) { if (!errno) errno = ENOENT; return -1; }
    r->uid = pw->pw_uid;
    r->gid = pw->pw_gid;
  } else {
    r->uid = st.st_uid;
    r->gid = st.st_gid;
    if ((pw = getpwuid(st.st_uid))) name = pw->pw_name;
  }
  return set(r->user, sizeof r->user, name, strlen(name), "", 0);
}

static int virtual_fill(char const *local, size_t n, char const *domain, lookup_result *r)
{
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) return -1;
  if (role_user(CONF_POSTA_V, r) < 0) return -1;
  size_t cl = strlen(cwd), dl = strlen(domain);
  if (cl + 11 + dl + 1 + n >= sizeof r->home) { errno = ENAMETOOLONG; return -1; }
  memcpy(r->home, cwd, cl);
  memcpy(r->home + cl, "/mailboxes/", 11);
  memcpy(r->home + cl + 11, domain, dl);
  r->home[cl + 11 + dl] = '/';
  memcpy(r->home + cl + 12 + dl, local, n);
  r->home[cl + 12 + dl + n] = 0;
  r->kind = LOOKUP_VIRTUAL;
  return 1;
}

static int lookup_virtual(char const *local, size_t n, char const *domain, lookup_result *r)
{
  cdb c = CDB_ZERO;
  char key[VBOX_ADDR_MAX];
  cdb_data d;
  size_t dl = strlen(domain);
  int f = 0;
  if (!vbox_domain_ok(domain, dl)) return 0;
  if (!cdb_open(&c, VBOX_CDB)) return errno == ENOENT ? 0 : -1;
  for (size_t i = n; i > 0 && !f; i--) {
    if (i < n && local[i] != '-') continue;
    if (!vbox_local_ok(local, i) || i + 1 + dl >= sizeof key) continue;
    memcpy(key, local, i);
    key[i] = '@';
    memcpy(key + i + 1, domain, dl);
    if ((f = cdb_find(&c, &d, key, (uint32_t)(i + 1 + dl))) < 0) { errno = EPROTO; break; }
    if (!f) continue;
    if (set(r->dash, sizeof r->dash, i < n ? "-" : "", i < n, "", 0) < 0
        || set(r->ext, sizeof r->ext, local + (i < n ? i + 1 : n), i < n ? n - i - 1 : 0, "", 0) < 0
        || virtual_fill(local, i, domain, r) < 0) f = -1;
  }
  cdb_free(&c);
  return f;
}

static int lookup_passwd(char const *local, size_t n, lookup_result *r)
{
  static char const *const aliases[] = { "postmaster", "mailer-daemon", "root", 0 };
  char user[sizeof r->user];
  struct stat st;
  char const *dash = memchr(local, '-', n);
  size_t un = dash ? (size_t)(dash - local) : n;
  for (char const *const *a = aliases; *a; a++)
    if (!strcmp(local, *a)) return 0;
  if (!un || un >= sizeof user || memchr(local, '/', un) || memchr(local, ':', un)) return 0;
  memcpy(user, local, un);
  user[un] = 0;
  errno = 0;
  struct passwd *pw = getpwnam(user);
  if (!pw) return errno && errno != ENOENT && errno != ESRCH && errno != EBADF && errno != EPERM ? -1 : 0;
  if (!pw->pw_uid || pw->pw_dir[0] != '/') return 0;
  if (stat(pw->pw_dir, &st) < 0) {
    if (errno != EACCES) return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
  } else if (st.st_uid != pw->pw_uid) return 0;
  r->uid = pw->pw_uid;
  r->gid = pw->pw_gid;
  if (set(r->user, sizeof r->user, pw->pw_name, strlen(pw->pw_name), "", 0) < 0
      || set(r->home, sizeof r->home, pw->pw_dir, strlen(pw->pw_dir), "", 0) < 0
      || set(r->dash, sizeof r->dash, dash ? "-" : "", dash ? 1 : 0, "", 0) < 0
      || set(r->ext, sizeof r->ext, dash ? dash + 1 : "", dash ? n - un - 1 : 0, "", 0) < 0) return 0;
  r->kind = LOOKUP_PASSWD;
  return 1;
}

static int lookup_alias(char const *local, size_t n, lookup_result *r)
{
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) return -1;
  if (role_user(CONF_POSTA_ALIAS, r) < 0) return -1;
  if (set(r->home, sizeof r->home, cwd, strlen(cwd), "/alias", 6) < 0) return -1;
  if (set(r->dash, sizeof r->dash, "-", 1, "", 0) < 0 || set(r->ext, sizeof r->ext, local, n, "", 0) < 0) return -1;
  r->kind = LOOKUP_ALIAS;
  return 1;
}

int lookup_local(char const *local, char const *domain, lookup_result *r)
{
  char lc[LOCAL_MAX + 1], dom[LOCAL_MAX + 1];
  size_t n = strlen(local), dn = strlen(domain);
  int f;
  if (n > LOCAL_MAX || dn > LOCAL_MAX) { errno = ENAMETOOLONG; return -1; }
  lower(lc, local, n);
  lower(dom, domain, dn);
  memset(r, 0, sizeof *r);
  if ((f = lookup_assign(lc, n, dn ? dom : 0, r))) return f;
  if ((f = lookup_virtual(lc, n, dom, r))) return f;
  if ((f = lookup_passwd(lc, n, r))) return f;
  return lookup_alias(lc, n, r);
}

/* A virtual mailbox's (posta-v's, in .virtual.cdb or users/cdb) Maildir++ quota (common/mdsize.h), read as posta-d
 * can (posta-user makes maildirsize 0644 in a 0711 Maildir): 2 when it is
 * full, else 1. Unreadable, absent, broken or stale: not full. */
static int full(char const *home)
{
  char dir[4200];
  mdsize m;
  if ((size_t)snprintf(dir, sizeof dir, "%s/Maildir/", home) >= sizeof dir) return 1;
  return mdsize_fs_load(dir, &m, 1, 0) == 1 && mdsize_over(&m, 1, 1) ? 2 : 1;
}

int lookup_exists(char const *local, char const *domain)
{
  lookup_result r;
  if (lookup_local(local, domain, &r) < 0) return -1;
  /* an address without an extension is delivered (by default, without a
   * dot-qmail file); one with an extension only when a dot-qmail file of
   * the cascade exists, else posta-local would bounce it: refuse it now */
  if (r.kind != LOOKUP_ALIAS && !r.dash[0])
    return r.kind == LOOKUP_VIRTUAL || !strcmp(r.user, CONF_POSTA_V) ? full(r.home) : 1;
  return dotqmail_exists(r.home, r.dash, r.ext);
}
