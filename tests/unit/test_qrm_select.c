/* Unit tests for src/posta-qrm/qrm_select.c: posta-qrm -s, -r and all
 * choose from posta-qread's blocks: sender and recipient patterns, case
 * ignored, the null sender, blocks of both states, lines that only look
 * like addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "posta-qrm/qrm_select.h"
#include "unit.h"

static char const listing[] =
  "message 101\n"
  "  arrival: Sat, 14 Mar 2026 12:34:56 +0000\n"
  "  size: 2031\n"
  "  sender: <Bob@Example.NET>\n"
  "  injected by: uid 1000\n"
  "  state: preprocessed, held\n"
  "  local <alice@example.com>: delivered, attempts 1, last result: K2.0.0 - <spam@evil.test>\n"
  "  remote <carol@example.org>: pending, attempts 3\n"
  "  failure notice waiting to be sent\n"
  "\n"
  "message 102\n"
  "  arrival: ?\n"
  "  size: 10\n"
  "  sender: <>\n"
  "  injected by: uid 0\n"
  "  state: not yet preprocessed\n"
  "  recipient <bob@example.net>: not yet preprocessed\n"
  "\n"
  "message 103\n"
  "  unreadable todo record\n"
  "\n";

static char const *pick(char const *s, char const *r)
{
  static char out[256];
  stralloc ids = STRALLOC_ZERO;
  size_t n = 0;
  assert_int_equal(qrm_select(listing, sizeof listing - 1, s, r, &ids, &n), 0);
  out[0] = 0;
  for (size_t i = 0, at = 0; i < n; i++, at += strlen(ids.s + at) + 1) {
    if (i) strcat(out, " ");
    strcat(out, ids.s + at);
  }
  stralloc_free(&ids);
  return out;
}

static void patterns(void **state)
{
  (void)state;
  assert_string_equal(pick(0, 0), "101 102 103");          /* all */
  assert_string_equal(pick("bob@example.net", 0), "101");   /* case ignored */
  assert_string_equal(pick("*@example.net", 0), "101");
  assert_string_equal(pick("", 0), "102");                  /* the null sender */
  assert_string_equal(pick(0, "bob@*"), "102");
  assert_string_equal(pick(0, "*@example.org"), "101");
  assert_string_equal(pick(0, "alice@example.com"), "101"); /* delivered ones count */
  assert_string_equal(pick(0, "spam@evil.test"), "");       /* a result's text is no recipient */
  assert_string_equal(pick("*example.net", "carol@*"), "101");
  assert_string_equal(pick("", "carol@*"), "");            /* both must match */
  assert_string_equal(pick("nobody", 0), "");
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(patterns),
)
