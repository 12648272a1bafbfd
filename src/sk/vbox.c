/* vbox: check virtual mailbox addresses, compile their list. See vbox.h.
 * Never exits; writes only to the descriptor vbox_compile is given. */
#include "sk/vbox.h"

#include <string.h>

#include <skalibs/cdbmake.h>

/* RFC 5322 atext, without '/': the local part becomes a folder name */
static int atext(char c)
{
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1;
  return c && strchr("!#$%&'*+-=?^_`{|}~", c) != 0;
}

int vbox_local_ok(char const *s, size_t n)
{
  if (!n || n > VBOX_LOCAL_MAX || s[0] == '.' || s[n - 1] == '.') return 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return 0;
    } else if (!atext(s[i])) return 0;
  }
  return 1;
}

int vbox_domain_ok(char const *s, size_t n)
{
  size_t label = 0;
  if (!n || n > VBOX_DOMAIN_MAX) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '.') {
      if (!label || s[i - 1] == '-') return 0;
      label = 0;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return 0;
    if (c == '-' && !label) return 0;
    if (++label > 63) return 0;
  }
  return label && s[n - 1] != '-';
}

int vbox_addr(char const *addr, char *out, size_t *at, char const **why)
{
  size_t n = strlen(addr);
  char const *a = strrchr(addr, '@');
  if (n >= VBOX_ADDR_MAX) { *why = "address too long"; return -1; }
  if (!a) { *why = "no @domain in address"; return -1; }
  size_t l = (size_t)(a - addr);
  if (!vbox_local_ok(addr, l)) { *why = "bad local part (letters, digits, !#$%&'*+-=?^_`{|}~ and single dots inside)"; return -1; }
  if (!vbox_domain_ok(a + 1, n - l - 1)) { *why = "bad domain (letters, digits, - and . labels)"; return -1; }
  for (size_t i = 0; i <= n; i++)
    out[i] = (addr[i] >= 'A' && addr[i] <= 'Z') ? (char)(addr[i] + 32) : addr[i];
  *at = l;
  return 0;
}

int vbox_compile(char const *text, size_t len, int fd)
{
  cdbmaker c = CDBMAKER_ZERO;
  size_t i = 0;
  if (!cdbmake_start(&c, fd)) return -1;
  while (i < len) {
    char const *nl = memchr(text + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - text) : len;
    char line[VBOX_ADDR_MAX], norm[VBOX_ADDR_MAX];
    char const *why;
    size_t at, n = end - i;
    if (n && n < sizeof line) {
      memcpy(line, text + i, n);
      line[n] = 0;
      if (!memchr(line, 0, n) && vbox_addr(line, norm, &at, &why) == 0
          && !cdbmake_add(&c, norm, (unsigned)n, "", 0)) return -1;
    }
    i = end + 1;
  }
  return cdbmake_finish(&c) ? 0 : -1;
}
