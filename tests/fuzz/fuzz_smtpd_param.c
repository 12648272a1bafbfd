/* fuzz_smtpd_param: the ESMTP parameters after MAIL and RCPT
 * (src/posta-smtpd/smtpd_param.c). The first byte picks MAIL or RCPT.
 * Checks: a result from the documented set; SIZE given means the flag and
 * a value, and agrees with smtpd_param_size; RCPT never sets MAIL flags. */
#include "fuzz.h"

#include "posta-smtpd/smtpd_param.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  smtpd_params p;
  uint64_t v;
  if (!size) return 0;
  unsigned which = (data[0] & 1) ? PARAM_RCPT : PARAM_MAIL;
  char *s = fuzz_dup(data + 1, size - 1);
  memset(&p, 0, sizeof p);
  int r = smtpd_param_parse(s, size - 1, which, &p);
  FUZZ_CHECK(r == PARAM_OK || r == PARAM_ESYNTAX || r == PARAM_EUNKNOWN || r == PARAM_EVALUE);
  if (r == PARAM_OK && which == PARAM_RCPT) FUZZ_CHECK(!(p.flags & (PARAM_F_SIZE | PARAM_F_8BIT | PARAM_F_7BIT | PARAM_F_UTF8)));
  if (r == PARAM_OK) FUZZ_CHECK(!((p.flags & PARAM_F_8BIT) && (p.flags & PARAM_F_7BIT)));
  int k = smtpd_param_size(s, size - 1, &v);
  FUZZ_CHECK(k == 1 || k == 0 || k == -1);
  if (k == 1) for (size_t i = 0; i < size - 1; i++) FUZZ_CHECK(s[i] >= '0' && s[i] <= '9');
  free(s);
  return 0;
}
