/* request: receive and check a spawn request. See request.h.
 * Never allocates; closes every descriptor that comes with a request. */
#include "posta-lspawn/request.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/fdpass.h"

static int decimal(char const *s, size_t max, unsigned long long *v)
{
  size_t n = strlen(s);
  unsigned long long x = 0;
  if (!n || n > max) return 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    x = x * 10 + (unsigned)(s[i] - '0');
  }
  *v = x;
  return 1;
}

static int clean(char const *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return 0;
  return 1;
}

int request_parse(char const *buf, size_t len, request *r, char const **why)
{
  char const *f[4];
  size_t pos = 0;
  unsigned long long v;
  r->has_slot = 0;
  for (unsigned i = 0; i < 4; i++) {
    char const *z = pos < len ? memchr(buf + pos, 0, len - pos) : 0;
    if (!z) {
      /* the slot alone may be readable: then the request can be refused */
      if (i && decimal(f[0], 9, &v)) { r->slot = (unsigned)v; r->has_slot = 1; }
      *why = "truncated request";
      return -1;
    }
    f[i] = buf + pos;
    pos = (size_t)(z - buf) + 1;
  }
  if (!decimal(f[0], 9, &v)) { *why = "bad slot"; return -1; }
  r->slot = (unsigned)v;
  r->has_slot = 1;
  if (!decimal(f[1], 20, &v)) { *why = "bad message id"; return -1; }
  if (pos != len) { *why = "more than one recipient"; return -1; }
  if (strlen(f[2]) > REQUEST_ADDR_MAX || !clean(f[2])) { *why = "bad sender"; return -1; }
  size_t rl = strlen(f[3]);
  if (!rl || rl > REQUEST_ADDR_MAX || !clean(f[3]) || !strchr(f[3], '@')) { *why = "bad recipient"; return -1; }
  r->id = f[1];
  r->sender = f[2];
  r->rcpt = f[3];
  return 0;
}

int request_recv(int fd, char *buf, request *r, int *bad, char const **why)
{
  /* every descriptor of the packet is closed: posta-lspawn opens the
   * message itself (messfile.h), never one that came from posta-send */
  fdpass_got got;
  ssize_t n = fdpass_recv(fd, buf, REQUEST_MAX, 0, &got);
  if (n < 0) return -1;
  if (got.fd >= 0) close(got.fd);
  r->fd = -1;
  if (!n && !got.nfd) return 0;
  *bad = 0;
  if (request_parse(buf, (size_t)n, r, why) < 0) *bad = 1;
  else if (got.truncated) { *bad = 1; *why = "request too long"; }
  else if (got.nfd) { *bad = 1; *why = "a descriptor came with the request"; }
  return 1;
}
