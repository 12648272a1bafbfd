/* fuzz_rec: queue records (src/common/rec.c) as every reader of the queue
 * takes them. Checks: a record accepted yields fields inside the buffer,
 * each NUL-terminated; writing those fields again with rec_add gives a
 * record that parses to the same fields. */
#include "fuzz.h"

#include "common/rec.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  static char const *const kinds[] = { "todo", "info", "rcpt", "bounce" };
  char *buf = fuzz_dup(data, size);
  char const *kind = kinds[size ? data[size - 1] % 4 : 0];
  rec r;
  if (rec_parse(&r, buf, size, kind, 1) == 0) {
    rec_buf w = REC_BUF_ZERO;
    rec again;
    char const *f;
    size_t len, nfields = 0;
    rec_start(&w, kind, 1);
    while ((f = rec_next(&r, &len))) {
      FUZZ_CHECK(f >= buf && f + len < buf + size && !f[len]);
      FUZZ_CHECK(len >= 1 && strlen(f) == len);
      rec_addn(&w, f[0], f + 1, len - 1);
      nfields++;
    }
    FUZZ_CHECK(rec_finish(&w) == 0);
    FUZZ_CHECK(rec_parse(&again, w.s, w.len, kind, 1) == 0);
    r.pos = 0;
    for (size_t i = 0; i < nfields; i++) {
      size_t l1, l2;
      char const *a = rec_next(&r, &l1), *b = rec_next(&again, &l2);
      FUZZ_CHECK(a && b && l1 == l2 && !memcmp(a, b, l1));
    }
    FUZZ_CHECK(!rec_next(&again, &len));
    rec_free(&w);
  }
  free(buf);
  return 0;
}
