/* pool_rules: the tcprules of a service (control/tcp.smtp.cdb...),
 * read exactly as tcpserver -x reads them. See pool.h.
 *
 * The cdb is opened anew for each connection, so a cdb rebuilt by
 * tcprules (a rename over the old one) applies to the next connection.
 * Keys tried in order: the address, its prefixes that end in '.' (or ':'
 * for IPv6), then "". A rule's data is a series of NUL-terminated
 * entries: "D" denies, "+NAME=VALUE" sets a variable; others are ignored.
 * -R and -H are implied: no TCPREMOTEINFO@ or =host keys. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/cdb.h>

#include "posta-smtpdpool/pool.h"

/* The rule's data: 1 allowed (variables added), 0 denied. */
static int apply(char const *d, size_t n, char *msg, size_t size, size_t *len)
{
  int deny = 0;
  size_t pos = 0;
  while (pos < n) {
    char const *e = memchr(d + pos, 0, n - pos);
    if (!e) break;
    size_t k = (size_t)(e - (d + pos));
    char const *s = d + pos;
    if (s[0] == 'D') deny = 1;
    else if (s[0] == '+' && memchr(s + 1, '=', k - 1) && k - 1 <= size - *len - 1) {
      memcpy(msg + *len, s + 1, k - 1);
      msg[*len + k - 1] = 0;
      *len += k;
    }
    pos += k + 1;
  }
  return !deny;
}

/* 1 found (*r the verdict), 0 not found, -1 error. */
static int try(cdb const *c, char const *key, size_t klen, char *msg, size_t size, size_t *len, int *r)
{
  cdb_data d;
  int f = cdb_find(c, &d, key, (uint32_t)klen);
  if (f < 0) { errno = EPROTO; return -1; }
  if (!f) return 0;
  *r = apply(d.s, d.len, msg, size, len);
  return 1;
}

int pool_rules(char const *fn, char const *ip, char *msg, size_t size, size_t *len)
{
  cdb c = CDB_ZERO;
  int r = 1;
  if (!fn) return 1;
  int fd = open(fn, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? 1 : -1;
  int ok = cdb_init_fromfd(&c, fd);
  int e = errno;
  close(fd);
  if (!ok) { errno = e; return -1; }
  size_t n = strlen(ip);
  int f = try(&c, ip, n, msg, size, len, &r);
  while (!f && n > 0) {
    if (ip[n - 1] == '.' || ip[n - 1] == ':') f = try(&c, ip, n, msg, size, len, &r);
    if (!f) n--;
  }
  if (!f) f = try(&c, "", 0, msg, size, len, &r);
  cdb_free(&c);
  return f < 0 ? -1 : r;
}
