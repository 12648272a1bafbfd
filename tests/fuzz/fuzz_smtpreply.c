/* fuzz_smtpreply: SMTP replies as posta-remote reads them
 * (src/posta-remote/smtpreply.c), whatever a server sends, in pieces the
 * input chooses. Checks: a complete reply has a code 200..599 and a text
 * within SMTPREPLY_TEXT_MAX without CR, LF, NUL or other control byte;
 * each callback line is bounded; the outcome does not depend on the
 * cutting. */
#include "fuzz.h"

#include <stralloc.h>
#include "posta-remote/smtpreply.h"

static void online(void *ctx, char const *text, size_t len)
{
  FUZZ_CHECK(len <= SMTPREPLY_LINE_MAX);
  FUZZ_CHECK(!memchr(text, '\n', len));
  (*(unsigned *)ctx)++;
}

typedef struct { int r; size_t at; unsigned code, cb; char text[SMTPREPLY_TEXT_MAX + 1]; } verdict;

static void run(uint8_t const *data, size_t size, size_t piece, verdict *v)
{
  static smtpreply rp;
  size_t i = 0;
  v->r = 0;
  v->at = 0;
  v->cb = 0;
  v->code = 0;
  v->text[0] = 0;
  smtpreply_start(&rp, online, &v->cb);
  while (i < size) {
    size_t n = size - i < piece ? size - i : piece, used = 0;
    int r = smtpreply_feed(&rp, (char const *)data + i, n, &used);
    FUZZ_CHECK(used <= n);
    FUZZ_CHECK(r == 0 || r == 1 || r == -1);
    if (!r) FUZZ_CHECK(used == n);
    i += used;
    if (r) { v->r = r; v->at = i; break; }
  }
  if (v->r == 1) {
    FUZZ_CHECK(rp.code >= 200 && rp.code <= 599);
    FUZZ_CHECK(rp.len <= SMTPREPLY_TEXT_MAX && strlen(rp.text) == rp.len);
    FUZZ_CHECK(fuzz_no_ctl(rp.text, rp.len));
    v->code = rp.code;
    memcpy(v->text, rp.text, rp.len + 1);
  }
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  static verdict a, b;
  if (!size) return 0;
  size_t piece = data[0] % 11 + 1;
  run(data + 1, size - 1, size, &a);
  run(data + 1, size - 1, piece, &b);
  FUZZ_CHECK(a.r == b.r && a.at == b.at && a.code == b.code && a.cb == b.cb);
  FUZZ_CHECK(!strcmp(a.text, b.text));
  return 0;
}
