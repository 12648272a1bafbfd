/* tcpto: remembered connection failures. See tcpto.h. */
#include "posta-remote/tcpto.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common/rec.h"

#define FILE_SIZE (TCPTO_SLOTS * TCPTO_ENTRY)

typedef struct entry_s entry;
struct entry_s {
  char ip[16];
  uint64_t until;
  unsigned int fails;
};

static uint32_t get32(unsigned char const *s)
{
  return (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 8 | s[3];
}

static void put32(unsigned char *s, uint32_t v)
{
  s[0] = (unsigned char)(v >> 24);
  s[1] = (unsigned char)(v >> 16);
  s[2] = (unsigned char)(v >> 8);
  s[3] = (unsigned char)v;
}

/* 1 and *e when raw is a valid entry, else 0 (a free slot). */
static int unpack(unsigned char const *raw, entry *e)
{
  if (raw[26] != 1 || raw[27]) return 0;
  if (rec_crc32(0, (char const *)raw, 28) != get32(raw + 28)) return 0;
  memcpy(e->ip, raw, 16);
  e->until = (uint64_t)get32(raw + 16) << 32 | get32(raw + 20);
  e->fails = (unsigned int)raw[24] << 8 | raw[25];
  return 1;
}

static void pack(unsigned char *raw, entry const *e)
{
  memcpy(raw, e->ip, 16);
  put32(raw + 16, (uint32_t)(e->until >> 32));
  put32(raw + 20, (uint32_t)e->until);
  raw[24] = (unsigned char)(e->fails >> 8);
  raw[25] = (unsigned char)e->fails;
  raw[26] = 1;
  raw[27] = 0;
  put32(raw + 28, rec_crc32(0, (char const *)raw, 28));
}

void tcpto_open(tcpto *t, char const *path)
{
  t->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
}

void tcpto_close(tcpto *t)
{
  if (t->fd >= 0) close(t->fd);
  t->fd = -1;
}

/* Reads the whole file; a short file reads as free slots. */
static int load(tcpto const *t, unsigned char *buf)
{
  size_t got = 0;
  memset(buf, 0, FILE_SIZE);
  while (got < FILE_SIZE) {
    ssize_t r = pread(t->fd, buf + got, FILE_SIZE - got, (off_t)got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (!r) break;
    got += (size_t)r;
  }
  return 0;
}

/* The slot of ip, else -1; *e gets it. */
static int find(unsigned char const *buf, char const ip[16], entry *e)
{
  for (int i = 0; i < TCPTO_SLOTS; i++)
    if (unpack(buf + i * TCPTO_ENTRY, e) && !memcmp(e->ip, ip, 16)) return i;
  return -1;
}

int tcpto_dead(tcpto const *t, char const ip[16], uint64_t now, uint64_t *until)
{
  unsigned char buf[FILE_SIZE];
  entry e;
  if (t->fd < 0 || load(t, buf) < 0) return 0;
  if (find(buf, ip, &e) < 0 || e.until <= now) return 0;
  if (until) *until = e.until;
  return 1;
}

static int lock(tcpto const *t, short type)
{
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  while (fcntl(t->fd, F_SETLKW, &fl) < 0)
    if (errno != EINTR) return -1;
  return 0;
}

/* A free slot, else the one that expires first. */
static int victim(unsigned char const *buf)
{
  entry e;
  int best = 0;
  uint64_t first = UINT64_MAX;
  for (int i = 0; i < TCPTO_SLOTS; i++) {
    if (!unpack(buf + i * TCPTO_ENTRY, &e)) return i;
    if (e.until < first) { first = e.until; best = i; }
  }
  return best;
}

static void store(tcpto const *t, int slot, unsigned char const *raw)
{
  ssize_t r;
  do r = pwrite(t->fd, raw, TCPTO_ENTRY, (off_t)slot * TCPTO_ENTRY);
  while (r < 0 && errno == EINTR);
}

void tcpto_fail(tcpto const *t, char const ip[16], uint64_t now)
{
  unsigned char buf[FILE_SIZE];
  entry e;
  if (t->fd < 0 || lock(t, F_WRLCK) < 0) return;
  if (load(t, buf) == 0) {
    int slot = find(buf, ip, &e);
    if (slot < 0) {
      slot = victim(buf);
      memcpy(e.ip, ip, 16);
      e.fails = 0;
    }
    if (e.fails < 0xffff) e.fails++;
    uint64_t wait = e.fails > 7 ? TCPTO_MAX : (uint64_t)TCPTO_BASE << (e.fails - 1);
    e.until = now + (wait > TCPTO_MAX ? TCPTO_MAX : wait);
    pack(buf + slot * TCPTO_ENTRY, &e);
    store(t, slot, buf + slot * TCPTO_ENTRY);
  }
  lock(t, F_UNLCK);
}

void tcpto_ok(tcpto const *t, char const ip[16])
{
  unsigned char buf[FILE_SIZE];
  entry e;
  if (t->fd < 0) return;
  if (load(t, buf) < 0 || find(buf, ip, &e) < 0) return; /* the common case: no lock */
  if (lock(t, F_WRLCK) < 0) return;
  int slot;
  if (load(t, buf) == 0 && (slot = find(buf, ip, &e)) >= 0) {
    memset(buf + slot * TCPTO_ENTRY, 0, TCPTO_ENTRY);
    store(t, slot, buf + slot * TCPTO_ENTRY);
  }
  lock(t, F_UNLCK);
}
