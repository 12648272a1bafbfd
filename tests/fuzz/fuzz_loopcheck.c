/* fuzz_loopcheck: the header scan of posta-local (src/posta-local/
 * loopcheck.c) over a message from anywhere, fed in pieces whose sizes the
 * input chooses. Checks: the verdict does not depend on how the message
 * was cut; the line kept never exceeds its buffer. */
#include "fuzz.h"

#include "posta-local/loopcheck.h"

static char const dt[] = "Delivered-To: alice@example.com";

static void scan(loopcheck *l, uint8_t const *data, size_t size, size_t piece)
{
  loopcheck_start(l, dt, sizeof dt - 1);
  for (size_t i = 0; i < size; i += piece) {
    size_t n = size - i < piece ? size - i : piece;
    loopcheck_feed(l, (char const *)data + i, n);
    FUZZ_CHECK(l->len <= sizeof l->line);
  }
  loopcheck_end(l);
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  loopcheck whole, bytes, cut;
  if (!size) return 0;
  size_t piece = data[0] % 17 + 1;
  data++;
  size--;
  scan(&whole, data, size, size ? size : 1);
  scan(&bytes, data, size, 1);
  scan(&cut, data, size, piece);
  FUZZ_CHECK(whole.mine == bytes.mine && whole.mine == cut.mine);
  FUZZ_CHECK(whole.hops == bytes.hops && whole.hops == cut.hops);
  return 0;
}
