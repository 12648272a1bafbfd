/* impline: one line of the file posta-user import reads and export writes.
 *
 *   ADDRESS            a mailbox, its password left as it is
 *   ADDRESS:HASH       a mailbox and its password's crypt(3) hash
 *   # comment          skipped, as is a blank line
 *
 * Spaces and tabs around the line and a final CR are ignored. ADDRESS is
 * checked and lower-cased by vbox_addr; HASH must be a hash libxcrypt
 * takes as current (crypt_checksalt: yescrypt, bcrypt, SHA-crypt...), of
 * printable octets without space or ':', shorter than USER_HASH_MAX, so
 * that a password written there by mistake in clear is refused rather
 * than stored as a hash no password matches. Never exits, touches no
 * file. See user.h. */
#include "posta-user/user.h"

#include <crypt.h>
#include <string.h>

static int blank(char ch)
{
  return ch == ' ' || ch == '\t';
}

static int hash_ok(char const *h, size_t n, char const **why)
{
  char buf[USER_HASH_MAX];
  if (!n || n >= sizeof buf) { *why = "a hash must have 1 to 255 octets"; return 0; }
  for (size_t i = 0; i < n; i++)
    if (h[i] <= ' ' || h[i] > '~' || h[i] == ':') { *why = "a hash holds no space, control octet or ':'"; return 0; }
  memcpy(buf, h, n);
  buf[n] = 0;
  if (crypt_checksalt(buf) != CRYPT_SALT_OK) { *why = "not a crypt(3) hash of a current method ($y$, $2b$, $6$...)"; return 0; }
  return 1;
}

int impline_parse(char const *line, size_t n, impline *out, char const **why)
{
  char addr[VBOX_ADDR_MAX + 1];
  if (n && line[n - 1] == '\r') n--;
  while (n && blank(*line)) { line++; n--; }
  while (n && blank(line[n - 1])) n--;
  if (!n || *line == '#') return 0;
  char const *colon = memchr(line, ':', n);
  size_t alen = colon ? (size_t)(colon - line) : n;
  if (alen >= sizeof addr || memchr(line, 0, alen)) { *why = "invalid address"; return -1; }
  memcpy(addr, line, alen);
  addr[alen] = 0;
  if (vbox_addr(addr, out->addr, &out->at, why) < 0) return -1;
  out->hash[0] = 0;
  if (colon) {
    size_t hlen = n - alen - 1;
    if (!hash_ok(colon + 1, hlen, why)) return -1;
    memcpy(out->hash, colon + 1, hlen);
    out->hash[hlen] = 0;
  }
  return 1;
}
