/* rec: build, check and walk queue records. See rec.h for the format. */
#include "common/rec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/grow.h"

/* CRC-32, reflected polynomial 0xedb88320, four bits at a time: a 16-entry
 * constant table is enough for records of a few kilobytes. */
static uint32_t const crc_nibble[16] = {
  0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
  0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
  0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
  0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

uint32_t rec_crc32(uint32_t crc, char const *s, size_t len)
{
  crc = ~crc;
  for (size_t i = 0; i < len; i++) {
    crc ^= (unsigned char)s[i];
    crc = (crc >> 4) ^ crc_nibble[crc & 15];
    crc = (crc >> 4) ^ crc_nibble[crc & 15];
  }
  return ~crc;
}

static void grow(rec_buf *b, size_t n)
{
  if (!b->err && grow_bytes(&b->s, &b->a, b->len, n, 256) < 0) b->err = ENOMEM;
}

static void put(rec_buf *b, char const *s, size_t n)
{
  grow(b, n);
  if (b->err) return;
  memcpy(b->s + b->len, s, n);
  b->len += n;
}

void rec_start(rec_buf *b, char const *kind, unsigned version)
{
  char head[REC_KIND_MAX + 32];
  int n = snprintf(head, sizeof head, "posta %.*s %u\n", REC_KIND_MAX, kind, version);
  b->len = 0;
  b->err = 0;
  put(b, head, (size_t)n);
}

void rec_addn(rec_buf *b, char tag, char const *value, size_t len)
{
  char const *z = memchr(value, 0, len);
  if (z) len = (size_t)(z - value);
  put(b, &tag, 1);
  put(b, value, len);
  put(b, "", 1);
}

void rec_add(rec_buf *b, char tag, char const *value)
{
  rec_addn(b, tag, value, strlen(value));
}

void rec_addu(rec_buf *b, char tag, uint64_t value)
{
  char num[24];
  int n = snprintf(num, sizeof num, "%llu", (unsigned long long)value);
  rec_addn(b, tag, num, (size_t)n);
}

int rec_finish(rec_buf *b)
{
  char tail[10];
  put(b, "", 1);
  if (!b->err) {
    snprintf(tail, sizeof tail, "%08x\n", (unsigned)rec_crc32(0, b->s, b->len));
    put(b, tail, 9);
  }
  if (b->err) { errno = b->err; return -1; }
  return 0;
}

void rec_free(rec_buf *b)
{
  free(b->s);
  b->s = 0;
  b->len = b->a = 0;
  b->err = 0;
}

static int hexval(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int rec_parse(rec *r, char const *buf, size_t len, char const *kind, unsigned version)
{
  size_t klen = strlen(kind);
  uint32_t want = 0;
  char const *nl;
  unsigned long v;
  char *end;

  /* trailer: 8 hex digits and LF, after the lone NUL that ends the fields */
  if (len < 6 + klen + 1 + 2 + 1 + 9) goto bad;
  if (buf[len - 1] != '\n' || buf[len - 10] != 0) goto bad;
  for (size_t i = len - 9; i < len - 1; i++) {
    int h = hexval(buf[i]);
    if (h < 0) goto bad;
    want = (want << 4) | (uint32_t)h;
  }
  if (rec_crc32(0, buf, len - 9) != want) goto bad;

  if (memcmp(buf, "posta ", 6) || memcmp(buf + 6, kind, klen) || buf[6 + klen] != ' ') goto bad;
  nl = memchr(buf, '\n', len - 9);
  if (!nl) goto bad;
  if (buf[7 + klen] < '0' || buf[7 + klen] > '9') goto bad;
  errno = 0;
  v = strtoul(buf + 7 + klen, &end, 10);
  if (end != nl || errno) goto bad;
  if (v != version) { errno = ENOTSUP; return -1; }

  r->p = nl + 1;
  r->len = (size_t)(buf + len - 10 - r->p);
  r->pos = 0;
  /* the fields must each end in NUL and none may be empty */
  if (r->len && r->p[r->len - 1] != 0) goto bad;
  for (size_t i = 0; i < r->len; i++)
    if (r->p[i] == 0 && (i == 0 || r->p[i - 1] == 0)) goto bad;
  return 0;
bad:
  errno = EPROTO;
  return -1;
}

char const *rec_next(rec *r, size_t *len)
{
  if (r->pos >= r->len) return 0;
  char const *f = r->p + r->pos;
  size_t n = strlen(f);
  r->pos += n + 1;
  if (len) *len = n;
  return f;
}

int rec_num(char const *s, uint64_t *v)
{
  uint64_t x = 0;
  if (!*s) return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10) return -1;
    x = x * 10 + (uint64_t)(*s - '0');
  }
  *v = x;
  return 0;
}

int rec_num_strict(char const *s, uint64_t *v)
{
  return s[0] == '0' && s[1] ? -1 : rec_num(s, v);
}
