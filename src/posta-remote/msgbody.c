/* msgbody: load and encode the message. See msgbody.h. */
#include "posta-remote/msgbody.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/slurp.h"

static int read_all(msgbody *m, int fd)
{
  if (slurp_stream(fd, MSGBODY_READ_MAX, &m->s, &m->len) < 0) return -1;
  if (m->len < MSGBODY_READ_MAX) return 0;
  errno = EFBIG;
  return -1;
}

int msgbody_load(msgbody *m, int fd)
{
  struct stat st;
  m->s = 0;
  m->len = 0;
  m->mapped = 0;
  if (fstat(fd, &st) < 0) return -1;
  if (!S_ISREG(st.st_mode)) {
    if (read_all(m, fd) < 0) { msgbody_free(m); return -1; }
  } else if (st.st_size > 0) {
    void *p = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) return -1;
    m->s = p;
    m->len = (size_t)st.st_size;
    m->mapped = 1;
  }
  msgbody_scan(m);
  return 0;
}

void msgbody_free(msgbody *m)
{
  if (m->mapped) munmap(m->s, m->len);
  else free(m->s);
  m->s = 0;
  m->len = 0;
  m->mapped = 0;
}

void msgbody_scan(msgbody *m)
{
  uint64_t size = 0;
  unsigned char high = 0;
  char const *s = m->s;
  size_t i = 0, n = m->len;
  while (i < n) {
    char c = s[i];
    high |= (unsigned char)c;
    if (c == '\r') {
      size += 2;
      i += i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
    } else if (c == '\n') {
      size += 2;
      i++;
    } else {
      size++;
      i++;
    }
  }
  if (n && s[n - 1] != '\n' && s[n - 1] != '\r') size += 2;
  m->wiresize = size;
  m->eightbit = (high & 0x80) != 0;
}

/* The length of the run of ordinary bytes at s[0..n). */
static size_t plain_run(char const *s, size_t n)
{
  size_t i = 0;
  while (i < n && s[i] != '\n' && s[i] != '\r') i++;
  return i;
}

static size_t finish(msgenc *e, char *out, size_t room)
{
  size_t o = 0;
  if (room < (e->bol ? 3u : 5u)) return 0;
  if (!e->bol) {
    memcpy(out, "\r\n", 2);
    o = 2;
    e->bol = 1;
  }
  memcpy(out + o, ".\r\n", 3);
  e->done = 1;
  return o + 3;
}

size_t msgbody_encode(msgenc *e, char const *s, size_t len, char *out, size_t outsize)
{
  size_t o = 0;
  while (!e->done) {
    size_t room = outsize - o;
    if (e->pos >= len) { o += finish(e, out + o, room); break; }
    char c = s[e->pos];
    if (c == '\n' || c == '\r') {
      if (room < 2) break;
      memcpy(out + o, "\r\n", 2);
      o += 2;
      e->pos += c == '\r' && e->pos + 1 < len && s[e->pos + 1] == '\n' ? 2 : 1;
      e->bol = 1;
      continue;
    }
    if (e->bol && c == '.') {
      if (room < 2) break;
      out[o++] = '.';
      room--;
    }
    size_t n = plain_run(s + e->pos, len - e->pos);
    if (n > room) n = room;
    memcpy(out + o, s + e->pos, n);
    o += n;
    e->pos += n;
    e->bol = 0;
    if (n == room) break;
  }
  return o;
}
