/* esc: the escaping policies of logs, headers, replies and result lines.
 * See esc.h. */
#include "common/esc.h"

#include <string.h>

static int is_ctl(unsigned char c)
{
  return c < 0x20 || c == 0x7f;
}

/* 1 when c is written \xHH (hex policies) or replaced (the others) */
static int special(unsigned char c, esc_policy p)
{
  switch (p) {
  case ESC_ADDR: return c < 0x21 || c > 0x7e || c == '\\' || c == '<' || c == '>';
  case ESC_TEXT: return is_ctl(c) || c == '\\';
  case ESC_FIELD: return is_ctl(c) || c == '\\' || c == ' ';
  case ESC_SPACES: return is_ctl(c);
  case ESC_WORD: return c < 0x21 || c > 0x7e || strchr("()[]\\;", c) != 0;
  }
  return 1;
}

size_t esc_byte(char out[ESC_MAX], unsigned char c, esc_policy p)
{
  static char const hex[] = "0123456789abcdef";
  if (!special(c, p)) { out[0] = (char)c; return 1; }
  if (p == ESC_SPACES || p == ESC_WORD) { out[0] = p == ESC_SPACES ? ' ' : '?'; return 1; }
  out[0] = '\\';
  out[1] = 'x';
  out[2] = hex[c >> 4];
  out[3] = hex[c & 15];
  return ESC_MAX;
}

/* esc_copy that also says how many bytes of s went in (*used) and the
 * longest output, at an escape's boundary, after which "..." and the NUL
 * still fit (*dots) */
static size_t copy(char *out, size_t size, char const *s, size_t len, esc_policy p, size_t *used, size_t *dots)
{
  size_t o = 0, i = 0;
  *dots = 0;
  if (size) {
    for (; i < len; i++) {
      char e[ESC_MAX];
      size_t n = esc_byte(e, (unsigned char)s[i], p);
      if (n >= size - o) break;
      memcpy(out + o, e, n);
      o += n;
      if (o + 4 <= size) *dots = o;
    }
    out[o] = 0;
  }
  *used = i;
  return o;
}

size_t esc_copy(char *out, size_t size, char const *s, size_t len, esc_policy p)
{
  size_t used, dots;
  return copy(out, size, s, len, p, &used, &dots);
}

char *esc_str(char *out, size_t size, char const *s, esc_policy p)
{
  esc_copy(out, size, s ? s : "", s ? strlen(s) : 0, p);
  return out;
}

char *esc_dots(char *out, size_t size, char const *s, esc_policy p)
{
  size_t used, dots, len = s ? strlen(s) : 0;
  copy(out, size, s ? s : "", len, p, &used, &dots);
  if (used < len && size >= 4) memcpy(out + dots, "...", 4);
  return out;
}

void esc_spaces(char *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (is_ctl((unsigned char)s[i])) s[i] = ' ';
}
