/* fuzz_instr: the lines of a dot-qmail file (src/posta-local/instr.c) and
 * the forwarding addresses they give (forward.c). Lines that would write
 * a mailbox or run a program ('|', '.', '/' first) are made comments, so
 * that only the line cutting and the forwards are exercised; posta-local's
 * exits (result_exitv) are caught. Checks: each forward queued is fit for
 * an envelope (no control byte, at most ENVELOPE_ADDR_MAX); the forwards
 * are counted right; a refused line ends the run with 111. */
#include "fuzz.h"

#include <setjmp.h>
#include <skalibs/stralloc.h>

#include "common/envelope.h"
#include "posta-local/instr.h"
#include "posta-local/local.h"

static jmp_buf out;
static int code;

void __wrap_result_exitv(int c, char const *status, char const *const *pieces, unsigned n)
{
  code = c;
  longjmp(out, 1);
}

void __wrap_result_exitsysv(int c, char const *status, char const *const *pieces, unsigned n)
{
  code = c;
  longjmp(out, 1);
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  static local_ctx c;
  char *text = fuzz_dup(data, size);
  for (size_t i = 0; i < size; i++)
    if ((i == 0 || text[i - 1] == '\n') && (text[i] == '|' || text[i] == '.' || text[i] == '/')) text[i] = '#';
  memset(&c, 0, sizeof c);
  code = -1;
  if (!setjmp(out)) {
    int r = instr_run(&c, text, size);
    FUZZ_CHECK(r == 0);
  } else {
    FUZZ_CHECK(code == 111);
  }
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
