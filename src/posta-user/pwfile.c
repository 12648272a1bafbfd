/* pwfile: the password hashes of virtual mailboxes, DIR/mailboxes/.passwd.
 *
 * One line "address:hash" per mailbox that has a password; the hash is
 * crypt(3)'s, yescrypt with a fresh random salt. The file is posta-v's,
 * mode 0600: posta-checkpw (setuid posta-v) reads it, nothing else does.
 * The password itself is never written anywhere, and our copies of it are
 * wiped once hashed. It comes from standard input (its first line), or,
 * for the CONTRACT's "add -p PASSWORD", from an argument that is wiped at
 * once from the process's arguments. Dies on error. See user.h. */
#include "posta-user/user.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>

#include "common/durable.h"
#include "common/pwline.h"
#include "common/slurp.h"

#define PW_FILE "mailboxes/.passwd"
#define PW_TMP "mailboxes/.passwd.tmp"
#define PW_FILE_MAX (64 << 20)

void pw_hash(user_ctx *c, char const *password)
{
  static struct crypt_data cd;
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  size_t n = strlen(password);
  if (!n || n >= USER_PASS_MAX) strerr_dief1x(100, "a password must have 1 to 255 octets");
  for (size_t i = 0; i < n; i++)
    if (password[i] == '\n' || password[i] == '\r') strerr_dief1x(100, "a password must not hold CR or LF");
  if (!crypt_gensalt_rn("$y$", 0, 0, 0, salt, sizeof salt)) strerr_diefu1sys(111, "make a salt");
  char const *h = crypt_r(password, salt, &cd);
  if (!h || h[0] == '*' || strlen(h) >= sizeof c->hash) strerr_diefu1sys(111, "hash the password");
  strcpy(c->hash, h);
  explicit_bzero(&cd, sizeof cd);
}

void pw_stdin(user_ctx *c)
{
  char buf[USER_PASS_MAX + 2];
  size_t n = 0;
  while (n < sizeof buf - 1) {
    ssize_t r = read(0, buf + n, sizeof buf - 1 - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) strerr_diefu1sys(111, "read the password from standard input");
    if (!r) break;
    n += (size_t)r;
    if (memchr(buf, '\n', n)) break;
  }
  /* the line's own length, not strlen: a NUL in it must be seen */
  char *nl = memchr(buf, '\n', n);
  if (nl) n = (size_t)(nl - buf);
  else if (n == sizeof buf - 1) strerr_dief1x(100, "a password must have 1 to 255 octets");
  if (n && buf[n - 1] == '\r') n--;
  if (memchr(buf, 0, n)) strerr_dief1x(100, "a password must not hold NUL");
  buf[n] = 0;
  pw_hash(c, buf);
  explicit_bzero(buf, sizeof buf);
}

void pw_arg(user_ctx *c, char *password)
{
  pw_hash(c, password);
  explicit_bzero(password, strlen(password));
}

static char *slurp(size_t *len)
{
  char *buf;
  if (!slurp_path(PW_FILE, O_NOFOLLOW, PW_FILE_MAX, &buf, len)) return buf;
  if (errno == EFBIG) strerr_dief2x(111, PW_FILE, " is too large");
  if (errno != ENOENT) strerr_diefu2sys(111, "read ", PW_FILE);
  *len = 0;
  buf = calloc(1, 1);
  if (!buf) strerr_diefu1sys(111, "allocate");
  return buf;
}

/* The file without addr's line, then addr:hash when there is a hash. */
void pwfile_set(user_ctx *c)
{
  size_t len, alen = strlen(c->addr), hlen = strlen(c->hash), o = 0;
  char *old = slurp(&len);
  char *out = malloc(len + alen + hlen + 3);
  if (!out) strerr_diefu1sys(111, "allocate");
  size_t pos = 0, n;
  char const *line;
  /* the lines posta-checkpw would take for addr's, whatever their case */
  while ((line = pwline_next(old, len, &pos, &n)))
    if (n && !pwline_is(line, n, c->addr, alen)) {
      memcpy(out + o, line, n);
      o += n;
      out[o++] = '\n';
    }
  if (hlen) {
    memcpy(out + o, c->addr, alen);
    o += alen;
    out[o++] = ':';
    memcpy(out + o, c->hash, hlen);
    o += hlen;
    out[o++] = '\n';
  }
  if (durable_replace(PW_FILE, PW_TMP, out, o, 0600) < 0) strerr_diefu2sys(111, "write ", PW_FILE);
  free(out);
  free(old);
}

/* The entry of the line's address (the octets before its ':', any case). */
static impent *entry_of(imptab const *t, char const *line, size_t n)
{
  char a[VBOX_ADDR_MAX];
  char const *colon = memchr(line, ':', n);
  size_t k = colon ? (size_t)(colon - line) : 0;
  if (!k || k >= sizeof a) return 0;
  for (size_t i = 0; i < k; i++)
    a[i] = (line[i] >= 'A' && line[i] <= 'Z') ? (char)(line[i] + 32) : line[i];
  return imptab_find(t, a, k);
}

/* The file without the lines of the imported addresses that have a hash,
 * then their lines. */
void pwfile_import(user_ctx *c)
{
  imptab const *t = c->imp;
  stralloc out = STRALLOC_ZERO;
  size_t len, pos = 0, n;
  char *old = slurp(&len);
  char const *line;
  while ((line = pwline_next(old, len, &pos, &n))) {
    impent const *e = entry_of(t, line, n);
    if (n && !(e && e->hash) && (!stralloc_catb(&out, line, n) || !stralloc_append(&out, '\n')))
      strerr_diefu1sys(111, "allocate");
  }
  for (size_t i = 0; i < t->n; i++)
    if (t->e[i].hash && (!stralloc_cats(&out, imptab_addr(t, t->e + i)) || !stralloc_append(&out, ':')
                         || !stralloc_cats(&out, imptab_hash(t, t->e + i)) || !stralloc_append(&out, '\n')))
      strerr_diefu1sys(111, "allocate");
  if (durable_replace(PW_FILE, PW_TMP, out.s ? out.s : "", out.len, 0600) < 0) strerr_diefu2sys(111, "write ", PW_FILE);
  stralloc_free(&out);
  free(old);
}

/* export: each mailbox's hash, the first usable line's as posta-checkpw
 * takes it */
void pwfile_hashes(user_ctx *c)
{
  imptab *t = c->imp;
  size_t len, pos = 0, n;
  char *old = slurp(&len);
  char const *line;
  while ((line = pwline_next(old, len, &pos, &n))) {
    impent *e = entry_of(t, line, n);
    if (!e || e->hash) continue;
    char const *h = memchr(line, ':', n) + 1;
    size_t k = n - (size_t)(h - line);
    if (k && h[k - 1] == '\r') k--;
    if (k && k < USER_HASH_MAX && !memchr(h, 0, k) && imptab_sethash(t, e, h, k) < 0)
      strerr_diefu1sys(111, "allocate");
  }
  free(old);
}
