/* fuzz_envelope: the injection envelope (src/common/envelope.c) as
 * posta-queue reads it from its caller. Checks: every recipient the walk
 * gives lies inside the buffer, is acceptable in a queue record and
 * routable (not empty, not ending with '@'), and their
 * count is nrcpt. */
#include "fuzz.h"

#include "common/envelope.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  char *buf = fuzz_dup(data, size);
  envelope env;
  int complete = 1;
  size_t maxrcpt = size ? data[0] % 8 + 1 : 1;
  int r = envelope_parse(buf, size, maxrcpt, &env, &complete);
  FUZZ_CHECK(r == ENVELOPE_OK || r == ENVELOPE_TOOLONG || r == ENVELOPE_BAD);
  if (r == ENVELOPE_OK) {
    size_t pos = 0, n = 0;
    char const *a;
    FUZZ_CHECK(complete);
    FUZZ_CHECK(env.sender >= buf && env.sender < buf + size);
    FUZZ_CHECK(envelope_addr_ok(env.sender, strlen(env.sender)));
    FUZZ_CHECK(envelope_addr_routable(env.sender, strlen(env.sender), 1));
    while ((a = envelope_rcpt(&env, &pos))) {
      size_t len = strlen(a);
      FUZZ_CHECK(a >= buf && a + len < buf + size);
      FUZZ_CHECK(envelope_addr_ok(a, len));
      FUZZ_CHECK(envelope_addr_routable(a, len, 0));
      n++;
    }
    FUZZ_CHECK(n == env.nrcpt && n >= 1 && n <= maxrcpt);
    FUZZ_CHECK(size <= envelope_max(maxrcpt));
  }
  free(buf);
  return 0;
}
