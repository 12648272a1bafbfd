/* fuzz_smtpd_line: posta-smtpd's command lines (src/posta-smtpd/
 * smtpd_line.c) over any client bytes, in pieces the input chooses.
 * Checks: every line delivered is shorter than SMTPD_LINE_MAX, NUL-
 * terminated, holds no CR or LF; the events do not depend on how the
 * bytes were cut; the machine always progresses. */
#include "fuzz.h"

#include "posta-smtpd/smtpd_line.h"

/* Runs the machine over data in pieces of piece bytes; writes a summary of
 * the events (kind and line) into sum, returns its length. */
static size_t run(uint8_t const *data, size_t size, size_t piece, char *sum, size_t summax)
{
  smtpd_line l;
  size_t i = 0, k = 0;
  smtpd_line_reset(&l);
  while (i < size) {
    size_t n = size - i < piece ? size - i : piece, used = 0;
    int r = smtpd_line_feed(&l, (char const *)data + i, n, &used);
    FUZZ_CHECK(used <= n);
    FUZZ_CHECK(r >= LINE_MORE && r <= LINE_BARE);
    if (r == LINE_MORE) FUZZ_CHECK(used == n);
    else FUZZ_CHECK(used >= 1);
    i += used;
    if (r == LINE_DONE) {
      FUZZ_CHECK(l.len < SMTPD_LINE_MAX && !l.s[l.len]);
      FUZZ_CHECK(!memchr(l.s, '\r', l.len) && !memchr(l.s, '\n', l.len));
    }
    if (r != LINE_MORE && k + 2 + l.len < summax) {
      sum[k++] = (char)('0' + r);
      if (r == LINE_DONE) { memcpy(sum + k, l.s, l.len); k += l.len; }
      sum[k++] = '|';
    }
    if (r == LINE_BARE) break;
  }
  return k;
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  static char a[1 << 17], b[1 << 17];
  if (!size) return 0;
  size_t piece = data[0] % 13 + 1;
  size_t na = run(data + 1, size - 1, size, a, sizeof a);
  size_t nb = run(data + 1, size - 1, piece, b, sizeof b);
  FUZZ_CHECK(na == nb && !memcmp(a, b, na));
  return 0;
}
