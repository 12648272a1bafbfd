/* fuzz_instr: the lines of a dot-qmail file (src/posta-local/instr.c) and
 * the forwarding addresses they give (forward.c). Lines that would write
 * a mailbox or run a program ('|', '.', '/' first) are made comments, so
 * that only the line cutting and the forwards are exercised. Checks: each
 * forward queued is fit for an envelope (no control byte, at most
 * ENVELOPE_ADDR_MAX); the forwards are counted right; a refused line ends
 * the run with -1 and a result of 111. */
#include "fuzz.h"

#include <skalibs/stralloc.h>

#include "common/envelope.h"
#include "posta-local/instr.h"
#include "posta-local/local.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  static local_ctx c;
  char *text = fuzz_dup(data, size);
  for (size_t i = 0; i < size; i++)
    if ((i == 0 || text[i - 1] == '\n') && (text[i] == '|' || text[i] == '.' || text[i] == '/')) text[i] = '#';
  memset(&c, 0, sizeof c);
  int r = instr_run(&c, text, size);
  FUZZ_CHECK(r == 0 || (r == -1 && c.res.code == 111 && c.res.status));
  unsigned k = 0;
  for (size_t i = 0; i < c.fwd.len; k++) {
    size_t n = strlen(c.fwd.s + i);
    FUZZ_CHECK(n && envelope_addr_ok(c.fwd.s + i, n));
    i += n + 1;
  }
  FUZZ_CHECK(k == c.nfwd);
  stralloc_free(&c.fwd);
  free(text);
  return 0;
}
