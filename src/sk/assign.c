/* assign: parse users/assign, write and read users/cdb. See assign.h.
 * Never exits; writes only to the descriptor assign_compile is given. */
#include "sk/assign.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <skalibs/cdbmake.h>
#include <skalibs/diuint32.h>
#include <skalibs/genalloc.h>

static int ctl_free(char const *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return 0;
  return 1;
}

static int scan_id(char const *s, unsigned long *v)
{
  unsigned long n = 0;
  if (!*s || strlen(s) > 10) return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return 0;
    n = n * 10 + (unsigned long)(*s - '0');
  }
  if (n >= 0xffffffffUL) return 0;  /* (uid_t)-1 means "no change" */
  *v = n;
  return 1;
}

/* Cuts s at the next ':' and returns it, or 0 when there is none. */
static char *field(char **s)
{
  char *f = *s;
  char *colon = strchr(f, ':');
  if (!colon) return 0;
  *colon = 0;
  *s = colon + 1;
  return f;
}

static int check_key(assign_line const *a, char const **why)
{
  char const *at = memchr(a->key, '@', a->keylen);
  if (a->keylen > 1000 || !ctl_free(a->key)) { *why = "bad address"; return -1; }
  if (at) {
    if (memchr(at + 1, '@', a->keylen - (size_t)(at + 1 - a->key)) || !at[1]) { *why = "bad domain"; return -1; }
    if (a->kind == '=' && at == a->key) { *why = "empty local part"; return -1; }
  }
  if (a->kind == '=' && !a->keylen) { *why = "empty local part"; return -1; }
  return 0;
}

static int check_fields(assign_line *a, char const *uid, char const *gid, char const **why)
{
  unsigned long v;
  size_t n = strlen(a->user);
  if (!n || n >= sizeof ((lookup_result *)0)->user || !ctl_free(a->user) || strchr(a->user, '/')) { *why = "bad user name"; return -1; }
  if (!scan_id(uid, &v)) { *why = "bad uid"; return -1; }
  a->uid = (uid_t)v;
  if (!scan_id(gid, &v)) { *why = "bad gid"; return -1; }
  a->gid = (gid_t)v;
  if (a->home[0] != '/' || strlen(a->home) >= sizeof ((lookup_result *)0)->home || !ctl_free(a->home)) { *why = "bad home (not an absolute path)"; return -1; }
  if (strcmp(a->dash, "") && strcmp(a->dash, "-")) { *why = "bad dash (empty or -)"; return -1; }
  if (strlen(a->ext) >= sizeof ((lookup_result *)0)->ext || !ctl_free(a->ext) || strchr(a->ext, '/')) { *why = "bad extension"; return -1; }
  return 0;
}

int assign_parse_line(char *s, size_t len, assign_line *a, char const **why)
{
  char *p, *uid, *gid;
  if (memchr(s, 0, len)) { *why = "NUL in line"; return -1; }
  s[len] = 0;
  if (!len || s[0] == '#') return 0;
  if (len == 1 && s[0] == '.') return 2;
  if (s[0] != '=' && s[0] != '+') { *why = "line does not start with = or +"; return -1; }
  a->kind = s[0];
  p = s + 1;
  char *key = field(&p);
  if (!key || !(a->user = field(&p)) || !(uid = field(&p)) || !(gid = field(&p))
      || !(a->home = field(&p)) || !(a->dash = field(&p)) || !(a->ext = field(&p))) {
    *why = "too few fields (7, each ended by ':')";
    return -1;
  }
  if (*p) { *why = "text after the last field"; return -1; }
  a->key = key;
  a->keylen = strlen(key);
  if (check_key(a, why) < 0) return -1;
  return check_fields(a, uid, gid, why) < 0 ? -1 : 1;
}

size_t assign_key(char *buf, char kind, char const *local, size_t n, char const *domain)
{
  size_t dn = domain ? strlen(domain) : 0;
  size_t len = 1 + n + (domain ? 1 + dn : 0);
  if (len > ASSIGN_KEY_MAX) return 0;
  buf[0] = kind;
  memcpy(buf + 1, local, n);
  if (domain) {
    buf[1 + n] = '@';
    memcpy(buf + 2 + n, domain, dn);
  }
  for (size_t i = 1; i < len; i++)
    if (buf[i] >= 'A' && buf[i] <= 'Z') buf[i] = (char)(buf[i] + 32);
  return len;
}

static int add_line(cdbmaker *c, assign_line const *a)
{
  char key[ASSIGN_KEY_MAX];
  char val[4096 + 64 + 1024 + 64];
  size_t klen = assign_key(key, a->kind, a->key, a->keylen, 0);
  int n;
  if (!klen) { errno = ENAMETOOLONG; return -1; }
  n = snprintf(val, sizeof val, "%s%c%lu%c%lu%c%s%c%s%c%s%c", a->user, 0, (unsigned long)a->uid, 0,
               (unsigned long)a->gid, 0, a->home, 0, a->dash, 0, a->ext, 0);
  if (n < 0 || (size_t)n >= sizeof val) { errno = ENAMETOOLONG; return -1; }
  return cdbmake_add(c, key, (unsigned)klen, val, (unsigned)n) ? 0 : -1;
}

int assign_compile(char *text, size_t len, int fd, unsigned *lineno, char const **why)
{
  cdbmaker c = CDBMAKER_ZERO;
  size_t i = 0;
  int done = 0, r = -2;
  *lineno = 0;
  if (!cdbmake_start(&c, fd)) return -1;
  while (i < len && !done) {
    char *nl = memchr(text + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - text) : len;
    assign_line a;
    ++*lineno;
    if (!nl) { *why = "last line has no newline"; goto fail; }
    int k = assign_parse_line(text + i, end - i, &a, why);
    if (k < 0) goto fail;
    if (k == 2) done = 1;
    else if (k == 1 && add_line(&c, &a) < 0) { r = -1; goto fail; }
    i = end + 1;
  }
  if (!done) { ++*lineno; *why = "no final . line"; goto fail; }
  return cdbmake_finish(&c) ? 0 : -1;
fail:
  /* cdbmake_finish frees the maker's list; an abandoned one is ours to
   * free (a caller other than posta-newu may go on running) */
  { int e = errno; genalloc_free(diuint32, &c.hplist); errno = e; }
  return r;
}

static char const *next_str(char const **s, char const *end)
{
  char const *v = *s;
  char const *z = memchr(v, 0, (size_t)(end - v));
  if (!z) return 0;
  *s = z + 1;
  return v;
}

static int copy_str(char *dst, size_t size, char const *src)
{
  size_t n = strlen(src);
  if (n >= size) return -1;
  memcpy(dst, src, n + 1);
  return 0;
}

int assign_value(char const *s, size_t len, lookup_result *r)
{
  char const *end = s + len;
  char const *f[6];
  unsigned long v;
  for (unsigned i = 0; i < 6; i++)
    if (!(f[i] = next_str(&s, end))) goto bad;
  if (s != end) goto bad;
  if (copy_str(r->user, sizeof r->user, f[0]) < 0) goto bad;
  if (!scan_id(f[1], &v)) goto bad;
  r->uid = (uid_t)v;
  if (!scan_id(f[2], &v)) goto bad;
  r->gid = (gid_t)v;
  if (f[3][0] != '/' || copy_str(r->home, sizeof r->home, f[3]) < 0) goto bad;
  if (copy_str(r->dash, sizeof r->dash, f[4]) < 0) goto bad;
  if (copy_str(r->ext, sizeof r->ext, f[5]) < 0) goto bad;
  return 0;
bad:
  errno = EPROTO;
  return -1;
}
