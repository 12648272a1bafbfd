/* smtpd_b64: strict base64. See smtpd_b64.h. */
#include "posta-smtpd/smtpd_b64.h"

static char const alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int value(char c)
{
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

long smtpd_b64_decode(char const *in, size_t n, char *out, size_t outsize)
{
  size_t o = 0;
  if (n % 4) return -1;
  for (size_t i = 0; i < n; i += 4) {
    int v[4], pad = 0;
    for (int k = 0; k < 4; k++) {
      char c = in[i + k];
      if (c == '=' && i + 4 == n && k >= 2) { pad++; v[k] = 0; continue; }
      if (pad || (v[k] = value(c)) < 0) return -1;
    }
    if (pad == 1 && in[i + 2] == '=') return -1;
    unsigned long w = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12 | (unsigned long)v[2] << 6 | (unsigned long)v[3];
    size_t k = 3 - (size_t)pad;
    if (k > outsize - o) return -1;
    out[o++] = (char)(w >> 16);
    if (k > 1) out[o++] = (char)(w >> 8 & 0xff);
    if (k > 2) out[o++] = (char)(w & 0xff);
  }
  return (long)o;
}

long smtpd_b64_encode(char const *in, size_t n, char *out, size_t outsize)
{
  size_t o = 0;
  if ((n + 2) / 3 * 4 >= outsize) return -1;
  for (size_t i = 0; i < n; i += 3) {
    unsigned long w = (unsigned long)(unsigned char)in[i] << 16;
    if (i + 1 < n) w |= (unsigned long)(unsigned char)in[i + 1] << 8;
    if (i + 2 < n) w |= (unsigned char)in[i + 2];
    out[o++] = alphabet[w >> 18 & 63];
    out[o++] = alphabet[w >> 12 & 63];
    out[o++] = i + 1 < n ? alphabet[w >> 6 & 63] : '=';
    out[o++] = i + 2 < n ? alphabet[w & 63] : '=';
  }
  out[o] = 0;
  return (long)o;
}
