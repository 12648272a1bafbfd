/* fuzz_addr: SMTP paths (src/common/addr.c) as posta-smtpd reads them
 * after MAIL FROM: and RCPT TO:. The first byte picks the options.
 * Checks: an accepted path gives an address of len bytes without a byte
 * below 0x20, DEL or NUL, its '@' where at says, its domain valid; *used
 * stays in the input and ends at a '>'; formatting the address back and
 * parsing it again gives the same address. */
#include "fuzz.h"

#include "common/addr.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  addr a, b;
  size_t used = 0, used2 = 0;
  char wire[2 * ADDR_MAX + 8];
  if (!size) return 0;
  unsigned opts = data[0] & 7;
  char *s = fuzz_dup(data + 1, size - 1);
  size--;
  int r = addr_parse_path(s, size, opts, &a, &used);
  FUZZ_CHECK(r <= 0 && r >= ADDR_ENULL);
  if (r == ADDR_OK) {
    FUZZ_CHECK(used >= 2 && used <= size && s[used - 1] == '>');
    FUZZ_CHECK(a.len <= ADDR_MAX && strlen(a.s) == a.len);
    FUZZ_CHECK(fuzz_no_ctl(a.s, a.len));
    if (a.flags & ADDR_F_NULL) {
      FUZZ_CHECK(a.len == 0);
    } else if (a.flags & ADDR_F_BARE) {
      FUZZ_CHECK(a.at == a.len);
    } else {
      FUZZ_CHECK(a.at < a.len && a.s[a.at] == '@');
      FUZZ_CHECK(addr_domain_ok(a.s + a.at + 1, a.len - a.at - 1, opts));
    }
    if (!(opts & ADDR_UTF8)) FUZZ_CHECK(!(a.flags & ADDR_F_8BIT));
    (void)addr_is_trick(&a);
    size_t n = addr_format_path(wire, sizeof wire, a.s, a.len);
    if (n && !(a.flags & ADDR_F_BARE)) {
      FUZZ_CHECK(n == strlen(wire));
      FUZZ_CHECK(addr_parse_path(wire, n, opts | ADDR_NULLOK, &b, &used2) == ADDR_OK);
      FUZZ_CHECK(used2 == n && b.len == a.len && !memcmp(a.s, b.s, a.len));
    }
  }
  free(s);
  return 0;
}
