/* fuzz_inject_addr: RFC 5322 address lists (src/sk/inject_addr.c) as
 * sendmail -t and posta-inject read them from a header. Checks: on
 * success the count matches the NUL-separated addresses appended, each
 * at most INJECT_ADDR_MAX bytes, none holding a CR, LF or NUL; on error
 * nothing was appended. */
#include "fuzz.h"

#include <skalibs/stralloc.h>

#include "sk/inject_addr.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  stralloc out = STRALLOC_ZERO;
  FUZZ_CHECK(stralloc_cats(&out, "x"));
  int n = inject_addr_list((char const *)data, size, &out);
  if (n < 0) {
    FUZZ_CHECK(errno == EINVAL || errno == ENAMETOOLONG || errno == ENOMEM);
    FUZZ_CHECK(out.len == 1);
  } else {
    size_t i = 1;
    int k = 0;
    while (i < out.len) {
      char *nul = memchr(out.s + i, 0, out.len - i);
      FUZZ_CHECK(nul);
      size_t len = (size_t)(nul - (out.s + i));
      FUZZ_CHECK(len <= INJECT_ADDR_MAX);
      FUZZ_CHECK(fuzz_no_crlfnul(out.s + i, len));
      i += len + 1;
      k++;
    }
    FUZZ_CHECK(k == n);
  }
  stralloc_free(&out);
  return 0;
}
