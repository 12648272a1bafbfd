/* recfix: records made by hand for the record parsers' unit tests
 * (inforec, rcptrec, bouncerec, preproc's todo), so that a test can hand a
 * parser any list of fields, well formed or not, inside a valid record. */
#ifndef POSTA_TEST_RECFIX_H
#define POSTA_TEST_RECFIX_H

#include <stddef.h>

#include "common/rec.h"

/* b becomes a version 1 record of kind holding the fields f[0..n), each
 * written as its tag byte then its value ("Fa@b": tag F, value a@b). */
static inline void recfix_build(rec_buf *b, char const *kind, char const *const *f, size_t n)
{
  rec_start(b, kind, 1);
  for (size_t i = 0; i < n; i++) rec_add(b, f[i][0], f[i] + 1);
  assert_int_equal(rec_finish(b), 0);
}

#endif
