/* fuzz_domains: control/me, control/locals and control/virtualdomains
 * (src/common/domains.c), then routing addresses through them. The input
 * is four parts split at NUL: me, locals, virtualdomains, and addresses
 * one a line. Checks: a routed address fits its buffer, holds no CR or LF
 * that the address (or a CR the control files) did not bring, and a local
 * one has an '@'. */
#include "fuzz.h"

#include "common/domains.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  char const *p[4];
  size_t l[4];
  char *buf = fuzz_split(data, size, p, l, 4);
  domains d = DOMAINS_ZERO;
  fuzz_tmpdir();
  mkdir("control", 0700);
  fuzz_write("control/me", p[0], l[0]);
  fuzz_write("control/locals", p[1], l[1]);
  fuzz_write("control/virtualdomains", p[2], l[2]);
  int trusted = !memchr(p[0], '\r', l[0]) && !memchr(p[1], '\r', l[1]) && !memchr(p[2], '\r', l[2]);
  if (domains_load(&d) == 0) {
    char *addrs = (char *)p[3];
    addrs[l[3]] = 0;
    for (char *a = addrs; a; ) {
      char *nl = strchr(a, '\n');
      char out[300];
      if (nl) *nl = 0;
      int r = domains_route(&d, a, out, sizeof out);
      FUZZ_CHECK(r == DOMAINS_LOCAL || r == DOMAINS_REMOTE || (r == -1 && errno == ENAMETOOLONG));
      if (r >= 0) {
        FUZZ_CHECK(strlen(out) < sizeof out);
        /* the control files are the operator's: only what the address
         * brought is the sender's doing */
        if (trusted && fuzz_no_crlfnul(a, strlen(a))) FUZZ_CHECK(fuzz_no_crlfnul(out, strlen(out)));
        if (r == DOMAINS_LOCAL) FUZZ_CHECK(strchr(out, '@'));
      }
      char const *at = strrchr(a, '@');
      (void)domains_is_local(&d, at ? at + 1 : a);
      a = nl ? nl + 1 : 0;
    }
    domains_free(&d);
  }
  free(buf);
  return 0;
}
