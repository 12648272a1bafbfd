/* fuzz_mdsize: maildirsize files (src/common/mdsize.c) as posta-local and
 * posta-smtpd read them; posta-v and Dovecot write them. Checks: the
 * answer is 0, 1 or 2; a definition that parses formats back to one that
 * parses to the same quota; over-quota answers are 0 or 1. */
#include "fuzz.h"

#include "common/mdsize.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  mdsize m, n;
  char def[MDSIZE_DEF_MAX];
  char *s = fuzz_dup(data, size);
  int r = mdsize_parse(s, size, &m);
  FUZZ_CHECK(r >= 0 && r <= 2);
  if (r) {
    size_t k = mdsize_fmtdef(def, &m);
    FUZZ_CHECK(k > 0 && k < MDSIZE_DEF_MAX);
    FUZZ_CHECK(mdsize_def(def, k, &n) == 0 && n.qbytes == m.qbytes && n.qcount == m.qcount);
    int o = mdsize_over(&m, size, 1);
    FUZZ_CHECK(o == 0 || o == 1);
  }
  free(s);
  return 0;
}
