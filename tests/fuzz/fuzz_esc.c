/* fuzz_esc: the escaping policies (src/common/esc.c) on any text, as the
 * log, header, reply and result writers call them. The first byte picks
 * the policy and the output size. Checks: the output fits the size, is
 * NUL-terminated where the return says, holds no CR, LF or NUL (nor, for
 * ESC_ADDR, a space or an angle bracket; for ESC_WORD a space, a
 * parenthesis or a semicolon); a cut output is a
 * prefix of the whole one (an escape never split); the whole one decodes
 * back to the input for the \xHH policies and keeps its length for the
 * others; esc_dots ends in "..." exactly when the text did not fit. */
#include "fuzz.h"

#include "common/esc.h"

static int hexval(char c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* the whole output decodes back to s (hex policies) */
static void decodes(char const *o, size_t on, char const *s, size_t len)
{
  size_t j = 0;
  for (size_t i = 0; i < on; j++) {
    FUZZ_CHECK(j < len);
    if (o[i] == '\\') {
      FUZZ_CHECK(i + 4 <= on && o[i + 1] == 'x' && hexval(o[i + 2]) >= 0 && hexval(o[i + 3]) >= 0);
      FUZZ_CHECK((unsigned char)s[j] == (unsigned)(hexval(o[i + 2]) * 16 + hexval(o[i + 3])));
      i += 4;
    } else FUZZ_CHECK(o[i++] == s[j]);
  }
  FUZZ_CHECK(j == len);
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  if (!size) return 0;
  esc_policy p = (esc_policy)(data[0] % 5);
  size_t cap = (size_t)(data[0] >> 3) * 3;   /* 0 to 93 */
  char *s = fuzz_dup(data + 1, size - 1);
  size_t len = size - 1, big = ESC_MAX * len + 1;
  char *whole = malloc(big), *cut = malloc(cap + 1), *d = malloc(cap + 4);
  if (!whole || !cut || !d) abort();
  size_t wn = esc_copy(whole, big, s, len, p);
  FUZZ_CHECK(wn < big && whole[wn] == 0 && !memchr(whole, '\r', wn) && !memchr(whole, '\n', wn));
  if (p == ESC_ADDR || p == ESC_WORD) FUZZ_CHECK(!memchr(whole, ' ', wn) && !memchr(whole, 0x7f, wn));
  if (p == ESC_ADDR) FUZZ_CHECK(!memchr(whole, '<', wn) && !memchr(whole, '>', wn));
  if (p == ESC_WORD) FUZZ_CHECK(!memchr(whole, '(', wn) && !memchr(whole, ')', wn) && !memchr(whole, ';', wn));
  if (p == ESC_SPACES || p == ESC_WORD) FUZZ_CHECK(wn == len);
  else decodes(whole, wn, s, len);
  cut[cap] = 'X';
  size_t cn = esc_copy(cut, cap, s, len, p);
  FUZZ_CHECK(cut[cap] == 'X');
  FUZZ_CHECK(cap ? cn < cap && cut[cn] == 0 && !memcmp(cut, whole, cn) : cn == 0);
  if (cap && cn < wn) FUZZ_CHECK(cn + ESC_MAX >= cap);   /* cut only for want of room */
  size_t sl = strlen(s);   /* esc_dots reads a string: up to the first NUL */
  if (cap >= 4) {
    d[cap] = 'X';
    esc_dots(d, cap, s, p);
    size_t dn = strlen(d), sn = esc_copy(whole, big, s, sl, p);
    FUZZ_CHECK(dn < cap && d[cap] == 'X');
    if (sn < cap) FUZZ_CHECK(dn == sn && !memcmp(d, whole, dn));
    else FUZZ_CHECK(dn >= 3 && !memcmp(d + dn - 3, "...", 3) && !memcmp(d, whole, dn - 3));
  }
  free(d);
  free(cut);
  free(whole);
  free(s);
  return 0;
}
