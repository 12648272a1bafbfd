/* addr: parse and format SMTP paths. See addr.h.
 *
 * The grammar is RFC 5321 4.1.2 with RFC 6531's extension: with SMTPUTF8,
 * a byte at or above 0x80 counts as atext, qtext and a letter of a domain,
 * and the whole address must then be well-formed UTF-8. */
#include "common/addr.h"

#include <string.h>
#include <strings.h>

static int is_alnum(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_atext(unsigned char c)
{
  return is_alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* qtextSMTP: printable ASCII but '"' and '\' */
static int is_qtext(unsigned char c)
{
  return c >= 32 && c <= 126 && c != '"' && c != '\\';
}

int addr_utf8_ok(char const *s, size_t len)
{
  size_t i = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    unsigned need;
    unsigned long cp;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 0x07; }
    else return 0;
    if (len - i - 1 < need) return 0;
    for (unsigned k = 1; k <= need; k++) {
      unsigned char d = (unsigned char)s[i + k];
      if ((d & 0xc0) != 0x80) return 0;
      cp = (cp << 6) | (d & 0x3f);
    }
    if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000)) return 0;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    i += need + 1;
  }
  return 1;
}

int addr_local_is_dotstring(char const *s, size_t len)
{
  int atom = 0;
  if (!len) return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '.') {
      if (!atom) return 0;
      atom = 0;
    } else if (is_atext(c) || c >= 0x80) atom = 1;
    else return 0;
  }
  return atom;
}

/* Snum "." Snum "." Snum "." Snum, each 0..255 in at most 3 digits */
static int ipv4_ok(char const *s, size_t len)
{
  unsigned parts = 0, digits = 0, val = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i == len || s[i] == '.') {
      if (!digits || val > 255) return 0;
      parts++;
      digits = val = 0;
      continue;
    }
    if (s[i] < '0' || s[i] > '9' || ++digits > 3) return 0;
    val = val * 10 + (unsigned)(s[i] - '0');
  }
  return parts == 4;
}

/* Groups "h:h:h" of 1 to 4 hex digits; an IPv4 tail, when v4 allows it,
 * counts as two. Adds their number to *n; 0 when malformed. */
static int ipv6_groups(char const *s, size_t len, int v4, unsigned *n)
{
  size_t i = 0;
  if (!len) return 1;
  for (;;) {
    size_t start = i;
    while (i < len && s[i] != ':') i++;
    size_t k = i - start;
    if (i == len && v4 && memchr(s + start, '.', k)) {
      if (!ipv4_ok(s + start, k)) return 0;
      *n += 2;
      return 1;
    }
    if (!k || k > 4) return 0;
    for (size_t j = start; j < i; j++) {
      char c = s[j];
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return 0;
    }
    ++*n;
    if (i == len) return 1;
    i++;
  }
}

/* RFC 4291's text forms, as RFC 5321 4.1.3 allows them: 8 groups, or fewer
 * around one "::" that stands for at least one zero group. */
static int ipv6_ok(char const *s, size_t len)
{
  unsigned n = 0;
  for (size_t i = 0; i + 1 < len; i++) {
    if (s[i] != ':' || s[i + 1] != ':') continue;
    for (size_t j = i + 2; j + 1 < len; j++)
      if (s[j] == ':' && s[j + 1] == ':') return 0;
    return ipv6_groups(s, i, 0, &n) && ipv6_groups(s + i + 2, len - i - 2, 1, &n) && n <= 7;
  }
  return ipv6_groups(s, len, 1, &n) && n == 8;
}

static int literal_ok(char const *s, size_t len)
{
  if (len < 2 || s[0] != '[' || s[len - 1] != ']') return 0;
  s++;
  len -= 2;
  if (len > 5 && !strncasecmp(s, "IPv6:", 5)) return ipv6_ok(s + 5, len - 5);
  return ipv4_ok(s, len);
}

int addr_domain_ok(char const *s, size_t len, unsigned opts)
{
  size_t label = 0;
  int eightbit = 0;
  if (!len || len > ADDR_DOMAIN_MAX) return 0;
  if (s[0] == '[') return literal_ok(s, len);
  for (size_t i = 0; i <= len; i++) {
    unsigned char c = i < len ? (unsigned char)s[i] : '.';
    if (c == '.') {
      if (!label || label > ADDR_LABEL_MAX || s[i - 1] == '-') return 0;
      label = 0;
      continue;
    }
    if (c >= 0x80) {
      if (!(opts & ADDR_UTF8)) return 0;
      eightbit = 1;
    } else if (!is_alnum(c) && !(c == '-' && label)) return 0;
    label++;
  }
  return !eightbit || addr_utf8_ok(s, len);
}

/* The source route "@a,@b:" at s[*i]: each domain checked, all dropped. */
static int skip_route(char const *s, size_t len, size_t *i, unsigned opts)
{
  for (;;) {
    size_t start = ++*i;
    while (*i < len && s[*i] != ',' && s[*i] != ':' && s[*i] != '>') ++*i;
    if (*i >= len || s[*i] == '>') return ADDR_ESYNTAX;
    if (!addr_domain_ok(s + start, *i - start, opts | ADDR_UTF8)) return ADDR_ESYNTAX;
    if (s[(*i)++] == ':') return ADDR_OK;
    if (*i >= len || s[*i] != '@') return ADDR_ESYNTAX;
  }
}

static int put(addr *a, char c)
{
  if (a->len >= ADDR_MAX) return ADDR_ETOOLONG;
  a->s[a->len++] = c;
  return ADDR_OK;
}

static int local_quoted(char const *s, size_t len, size_t *i, unsigned opts, addr *a)
{
  a->flags |= ADDR_F_QUOTED;
  for (++*i; *i < len; ++*i) {
    unsigned char c = (unsigned char)s[*i];
    if (c == '"') { ++*i; return a->len ? ADDR_OK : ADDR_ESYNTAX; }
    if (c == '\\') {
      if (++*i >= len) return ADDR_ESYNTAX;
      c = (unsigned char)s[*i];
      if (c < 32 || c > 126) return ADDR_ESYNTAX;
    } else if (c >= 0x80) {
      if (!(opts & ADDR_UTF8)) return ADDR_E8BIT;
      a->flags |= ADDR_F_8BIT;
    } else if (!is_qtext(c)) return ADDR_ESYNTAX;
    if (put(a, (char)c)) return ADDR_ETOOLONG;
  }
  return ADDR_ESYNTAX;
}

static int local_dotstring(char const *s, size_t len, size_t *i, unsigned opts, addr *a)
{
  size_t start = *i;
  for (; *i < len; ++*i) {
    unsigned char c = (unsigned char)s[*i];
    if (c >= 0x80) {
      if (!(opts & ADDR_UTF8)) return ADDR_E8BIT;
      a->flags |= ADDR_F_8BIT;
    } else if (c != '.' && !is_atext(c)) break;
    if (put(a, (char)c)) return ADDR_ETOOLONG;
  }
  return addr_local_is_dotstring(s + start, *i - start) ? ADDR_OK : ADDR_ESYNTAX;
}

static int domain_part(char const *s, size_t len, size_t *i, unsigned opts, addr *a)
{
  size_t start = *i;
  while (*i < len && s[*i] != '>') ++*i;
  size_t n = *i - start;
  if (n > ADDR_DOMAIN_MAX) return ADDR_ETOOLONG;
  for (size_t k = 0; k < n; k++)
    if ((unsigned char)s[start + k] >= 0x80 && !(opts & ADDR_UTF8)) return ADDR_E8BIT;
  if (!addr_domain_ok(s + start, n, opts)) {
    for (size_t k = 0, label = 0; k < n; k++) {
      label = s[start + k] == '.' ? 0 : label + 1;
      if (label > ADDR_LABEL_MAX) return ADDR_ETOOLONG;
    }
    return ADDR_ESYNTAX;
  }
  if (s[start] == '[') a->flags |= ADDR_F_LITERAL;
  for (size_t k = 0; k < n; k++) {
    char c = s[start + k];
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    if (put(a, c)) return ADDR_ETOOLONG;
  }
  return ADDR_OK;
}

int addr_parse_path(char const *s, size_t len, unsigned opts, addr *a, size_t *used)
{
  size_t i = 1;
  int r;
  a->len = a->at = 0;
  a->flags = 0;
  a->s[0] = 0;
  if (len < 2 || s[0] != '<') return ADDR_ESYNTAX;
  if (s[1] == '>') {
    if (!(opts & ADDR_NULLOK)) return ADDR_ENULL;
    a->flags = ADDR_F_NULL;
    *used = 2;
    return ADDR_OK;
  }
  if (s[1] == '@') {
    r = skip_route(s, len, &i, opts);
    if (r) return r;
    a->flags |= ADDR_F_ROUTE;
  }
  if (i >= len) return ADDR_ESYNTAX;
  r = s[i] == '"' ? local_quoted(s, len, &i, opts, a) : local_dotstring(s, len, &i, opts, a);
  if (r) return r;
  if (i >= len) return ADDR_ESYNTAX;
  a->at = a->len;
  if (s[i] == '@') {
    if (put(a, '@')) return ADDR_ETOOLONG;
    i++;
    r = domain_part(s, len, &i, opts, a);
    if (r) return r;
  } else if (s[i] == '>') {
    if (a->flags & ADDR_F_ROUTE) return ADDR_ESYNTAX;
    if (!(opts & ADDR_BAREOK)) return ADDR_ENODOMAIN;
    a->flags |= ADDR_F_BARE;
  }
  if (i >= len || s[i] != '>') return ADDR_ESYNTAX;
  a->s[a->len] = 0;
  if (a->flags & ADDR_F_8BIT && !addr_utf8_ok(a->s, a->len)) return ADDR_E8BIT;
  for (size_t k = 0; k < a->len; k++)
    if ((unsigned char)a->s[k] >= 0x80) a->flags |= ADDR_F_8BIT;
  *used = i + 1;
  return ADDR_OK;
}

int addr_is_trick(addr const *a)
{
  for (size_t i = 0; i < a->at; i++)
    if (a->s[i] == '%' || a->s[i] == '!' || a->s[i] == '@') return 1;
  return 0;
}

size_t addr_format_path(char *out, size_t outsize, char const *address, size_t len)
{
  size_t at = len, n = 0;
  for (size_t i = len; i; i--)
    if (address[i - 1] == '@') { at = i - 1; break; }
  int quote = at && !addr_local_is_dotstring(address, at);
#define OUT(c) do { if (n + 1 >= outsize) return 0; out[n++] = (c); } while (0)
  OUT('<');
  if (quote) OUT('"');
  for (size_t i = 0; i < at; i++) {
    unsigned char c = (unsigned char)address[i];
    if (c < 0x20 || c == 0x7f) return 0;
    if (quote && (c == '"' || c == '\\')) OUT('\\');
    OUT((char)c);
  }
  if (quote) OUT('"');
  for (size_t i = at; i < len; i++) {
    unsigned char c = (unsigned char)address[i];
    if (c < 0x20 || c == 0x7f) return 0;
    OUT((char)c);
  }
  OUT('>');
#undef OUT
  out[n] = 0;
  return n;
}
