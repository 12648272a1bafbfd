/* cpw_check: the checkpassword exchange. See cpw.h.
 *
 * A login without its hash is checked against a fixed hash all the same,
 * so that the time taken does not say which logins exist. Hashes are
 * compared in constant time; the password is wiped once checked. On
 * success USER is set to the login and argv executed (the caller's
 * program, /bin/true for posta-smtpd). */
#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "posta-checkpw/cpw.h"

/* yescrypt of a random password: never matches, costs what a real one costs */
#define DUMMY "$y$j9T$u2u4oIVQgP/zCJJK92AVu1$v3cdWLCcCHO3LTPxCF5VxEajAgaWK2TlmqMtWH9aik0"

static size_t input(char *buf)
{
  size_t n = 0;
  for (;;) {
    ssize_t r = read(3, buf + n, CPW_INPUT_MAX - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) strerr_diefu1sys(CPW_USAGE, "read descriptor 3");
    if (!r) break;
    n += (size_t)r;
    if (n == CPW_INPUT_MAX) break;
  }
  return n;
}

static int same(char const *a, char const *b)
{
  size_t la = strlen(a), lb = strlen(b);
  unsigned char d = la != lb;
  for (size_t i = 0; i < la && i < lb; i++) d |= (unsigned char)(a[i] ^ b[i]);
  return !d;
}

void cpw_run(int fd, char const *const *argv)
{
  static struct crypt_data cd;
  char buf[CPW_INPUT_MAX + 1], hash[CPW_HASH_MAX];
  size_t n = input(buf);
  buf[n] = 0;
  char *z = memchr(buf, 0, n);
  /* the password's own NUL, within what was read (buf[n] is ours) */
  if (!z || z == buf || !memchr(z + 1, 0, (size_t)(buf + n - z - 1))) strerr_dief1x(CPW_USAGE, "malformed input on descriptor 3");
  char const *login = buf, *pass = z + 1;
  int r = fd < 0 ? 0 : cpw_lookup(fd, login, hash, sizeof hash);
  if (r < 0) strerr_diefu2sys(CPW_TEMP, "read ", CPW_FILE);
  char const *out = crypt_r(pass, r ? hash : DUMMY, &cd);
  int ok = r && out && out[0] != '*' && same(out, hash);
  /* the password and what follows it; the login stays for USER */
  explicit_bzero(z + 1, sizeof buf - (size_t)(z + 1 - buf));
  explicit_bzero(&cd, sizeof cd);
  if (!ok) _exit(CPW_WRONG);
  if (setenv("USER", login, 1) < 0) strerr_diefu1sys(CPW_TEMP, "set USER");
  execvp(argv[0], (char *const *)argv);
  strerr_diefu2sys(CPW_TEMP, "execute ", argv[0]);
}
