/* smtpcmd: MAIL and RCPT lines. See smtpcmd.h. */
#include "posta-remote/smtpcmd.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/addr.h"

char const *smtpcmd_problem(char const *address)
{
  size_t n = strlen(address);
  if (n > SMTPCMD_ADDR_MAX) return "it is too long";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)address[i];
    if (c < 32 || c == 127) return "it holds a control character";
  }
  /* the domain goes on the line as it is: a space or a '>' in it would
   * end the path and add ESMTP parameters of the sender's choosing */
  char const *at = strrchr(address, '@');
  if (at && !addr_domain_ok(at + 1, strlen(at + 1), ADDR_UTF8))
    return "its domain part is neither a domain name nor an address literal";
  return 0;
}

int smtpcmd_valid(char const *address)
{
  return !smtpcmd_problem(address);
}

static int atext(unsigned char c)
{
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1;
  return c >= 128 || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static int dot_atom(char const *s, size_t n)
{
  if (!n || s[0] == '.' || s[n - 1] == '.') return 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return 0;
    } else if (!atext((unsigned char)s[i])) return 0;
  }
  return 1;
}

size_t smtpcmd_path(char *out, size_t size, char const *address)
{
  size_t o = 0, n = strlen(address);
  if (!smtpcmd_valid(address) || size < 2 * n + 5) return 0;
  char const *at = strrchr(address, '@');
  size_t local = at ? (size_t)(at - address) : n;
  out[o++] = '<';
  if (!n || dot_atom(address, local)) {
    memcpy(out + o, address, local);
    o += local;
  } else {
    out[o++] = '"';
    for (size_t i = 0; i < local; i++) {
      if (address[i] == '"' || address[i] == '\\') out[o++] = '\\';
      out[o++] = address[i];
    }
    out[o++] = '"';
  }
  memcpy(out + o, address + local, n - local);
  o += n - local;
  out[o++] = '>';
  out[o] = 0;
  return o;
}

size_t smtpcmd_mail(char *out, size_t size, char const *sender, uint64_t msgsize, int eightbit)
{
  char path[SMTPCMD_LINE_MAX];
  if (!smtpcmd_path(path, sizeof path, sender)) return 0;
  char sz[32] = "";
  if (msgsize) snprintf(sz, sizeof sz, " SIZE=%" PRIu64, msgsize);
  int n = snprintf(out, size, "MAIL FROM:%s%s%s\r\n", path, sz, eightbit ? " BODY=8BITMIME" : "");
  return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

size_t smtpcmd_rcpt(char *out, size_t size, char const *rcpt)
{
  char path[SMTPCMD_LINE_MAX];
  if (!*rcpt || !smtpcmd_path(path, sizeof path, rcpt)) return 0;
  int n = snprintf(out, size, "RCPT TO:%s\r\n", path);
  return n > 0 && (size_t)n < size ? (size_t)n : 0;
}
