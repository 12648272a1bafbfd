/* rspawn_resp: build a spawn response. See rspawn_resp.h. */
#include "posta-rspawn/rspawn_resp.h"

#include <stdio.h>
#include <string.h>

#define UNREADABLE "Z4.3.0 - posta-remote wrote an unreadable result"

size_t rspawn_resp_size(unsigned int n)
{
  return 16 + (size_t)n * (RSPAWN_LINE_MAX + 1);
}

static size_t digits(char const *s, size_t n)
{
  size_t i = 0;
  while (i < n && i < 4 && s[i] >= '0' && s[i] <= '9') i++;
  return i >= 1 && i <= 3 ? i : 0;
}

int rspawn_resp_valid(char const *line, size_t len)
{
  char cls;
  if (len < 9) return 0;
  switch (line[0]) {
    case 'K': cls = '2'; break;
    case 'Z': cls = '4'; break;
    case 'D': cls = '5'; break;
    default: return 0;
  }
  if (line[1] != cls || line[2] != '.') return 0;
  size_t i = 3, d = digits(line + i, len - i);
  if (!d || i + d >= len || line[i + d] != '.') return 0;
  i += d + 1;
  d = digits(line + i, len - i);
  if (!d || i + d >= len || line[i + d] != ' ') return 0;
  i += d + 1;
  /* the MTA: one word, then a space */
  size_t m = i;
  while (i < len && line[i] != ' ') i++;
  return i > m && i < len;
}

static size_t put(char *out, char const *s, size_t n)
{
  if (n > RSPAWN_LINE_MAX) n = RSPAWN_LINE_MAX;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    out[i] = c < 32 || c == 127 ? ' ' : (char)c;
  }
  out[n] = 0;
  return n + 1;
}

size_t rspawn_resp_build(char *out, unsigned long slot, unsigned int n, char const *output, size_t outlen, char const *missing)
{
  size_t o = (size_t)snprintf(out, 16, "%lu", slot) + 1;
  size_t pos = 0;
  for (unsigned int i = 0; i < n; i++) {
    char const *nl = pos < outlen ? memchr(output + pos, '\n', outlen - pos) : 0;
    if (!nl) {
      o += put(out + o, missing, strlen(missing));
      pos = outlen;
      continue;
    }
    size_t len = (size_t)(nl - output) - pos;
    if (rspawn_resp_valid(output + pos, len)) o += put(out + o, output + pos, len);
    else o += put(out + o, UNREADABLE, sizeof UNREADABLE - 1);
    pos += len + 1;
  }
  return o;
}
