/* Unit tests for src/posta-local/mboxquote.c: mboxrd ">From " quoting as
 * a stream, whatever the piece boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "posta-local/mboxquote.h"
#include "unit.h"

static void check(char const *in, char const *want)
{
  size_t n = strlen(in);
  for (size_t step = 1; step <= n + 1; step++) {
    mboxquote q = MBOXQUOTE_ZERO;
    char *out = malloc(2 * n + 64);
    size_t len = 0;
    assert_non_null(out);
    for (size_t i = 0; i < n; i += step) len += mboxquote_feed(&q, in + i, n - i < step ? n - i : step, out + len);
    len += mboxquote_end(&q, out + len);
    out[len] = 0;
    if (strcmp(out, want)) fail_msg("step %zu: got [%s], want [%s]", step, out, want);
    free(out);
  }
}

static void quoting(void **state)
{
  check("From me\n", ">From me\n\n");
  check("a\nFrom x\n>From y\n>>From z\n", "a\n>From x\n>>From y\n>>>From z\n\n");
  /* not "From ": left alone */
  check("From\nFromage\n>From: x\nfrom x\n From x\n", "From\nFromage\n>From: x\nfrom x\n From x\n\n");
  check("x From y\n", "x From y\n\n");
  check(">>>\n>\n", ">>>\n>\n\n");
}

static void endings(void **state)
{
  /* a last line without LF gets one, then the separating empty line */
  check("body", "body\n\n");
  check("Fro", "Fro\n\n");
  check("", "\n");
  check("a\n\n", "a\n\n\n");
  check(">From ", ">>From \n\n");
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(quoting),
    cmocka_unit_test(endings),
)
