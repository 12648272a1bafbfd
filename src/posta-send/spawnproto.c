/* spawnproto: spawn requests and responses. See spawnproto.h. */
#include "posta-send/spawnproto.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "common/esc.h"
#include "common/fdpass.h"

int spawnproto_req_start(spawnreq *q, unsigned slot, uint64_t id, char const *sender)
{
  size_t sl = strlen(sender);
  int n = snprintf(q->s, 64, "%u%c%llu%c", slot, 0, (unsigned long long)id, 0);
  if (sl + 1 > SPAWN_PACKET_MAX - SPAWN_RCPT_BYTES - 64) { errno = EMSGSIZE; return -1; }
  memcpy(q->s + n, sender, sl + 1);
  q->len = q->hdr = (size_t)n + sl + 1;
  q->nrcpt = 0;
  return 0;
}

int spawnproto_req_add(spawnreq *q, char const *rcpt)
{
  size_t rl = strlen(rcpt) + 1;
  if (q->nrcpt >= SPAWN_RCPT_MAX || q->len - q->hdr + rl > SPAWN_RCPT_BYTES) { errno = EMSGSIZE; return -1; }
  memcpy(q->s + q->len, rcpt, rl);
  q->len += rl;
  q->nrcpt++;
  return 0;
}

int spawnproto_req_send(int sock, spawnreq const *q, int fd)
{
  return fdpass_send(sock, q->s, q->len, fd);
}

static int valid_code(char const *s)
{
  return (s[0] == 'K' || s[0] == 'Z' || s[0] == 'D') && s[1] >= '2' && s[1] <= '5';
}

/* Control characters become spaces; a malformed line becomes a Z. */
static void clean(char *s, size_t len)
{
  esc_spaces(s, len);
  if (len > SPAWN_RESULT_MAX) s[SPAWN_RESULT_MAX] = 0;
  if (!valid_code(s)) s[0] = 'Z';
}

int spawnproto_resp_parse(spawnresp *p, char *buf, size_t len)
{
  size_t i = 0;
  unsigned long slot = 0;
  if (!len || buf[len - 1]) goto bad;
  for (; buf[i]; i++) {
    if (buf[i] < '0' || buf[i] > '9' || i > 6) goto bad;
    slot = slot * 10 + (unsigned long)(buf[i] - '0');
  }
  if (!i) goto bad;
  p->slot = (unsigned)slot;
  p->n = 0;
  for (i++; i < len;) {
    size_t l = strlen(buf + i);
    if (!l || p->n == SPAWN_RCPT_MAX) goto bad;
    p->result[p->n++] = buf + i;
    clean(buf + i, l);
    i += l + 1;
  }
  if (!p->n) goto bad;
  return 0;
bad:
  errno = EPROTO;
  return -1;
}

ssize_t spawnproto_resp_recv(int sock, char *buf, size_t max)
{
  for (;;) {
    ssize_t r = recv(sock, buf, max, MSG_DONTWAIT | MSG_TRUNC);
    if (r < 0 && errno == EINTR) continue;
    if (r > (ssize_t)max) { errno = EPROTO; return -1; }
    return r;
  }
}
