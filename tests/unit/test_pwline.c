/* Unit tests for src/common/pwline.c, the one parser of mailboxes/.passwd
 * that posta-user (pwfile.c) and posta-checkpw (cpw_file.c) share: the
 * address compared without case, ':' required right after it, a NUL, a
 * CR, a hash too long, a last line without LF, a '#' line, the first
 * usable line winning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/pwline.h"
#include "unit.h"

/* addr's hash in the len bytes of file, as a string ("" when none). */
static char const *find(char const *file, size_t len, char const *addr, size_t max)
{
  static char out[256];
  char const *h;
  size_t n;
  if (!pwline_find(file, len, addr, max, &h, &n)) return "";
  assert_true(n < sizeof out);
  memcpy(out, h, n);
  out[n] = 0;
  return out;
}
#define FIND(file, addr) find(file, sizeof file - 1, addr, 100)

static void test_case_and_colon(void **state)
{
  (void)state;
  char const f[] = "Alice@Example.ORG:$y$a\nal@example.org:$y$b\nbob@example.org:$y$c";
  assert_string_equal(FIND(f, "alice@example.org"), "$y$a");
  assert_string_equal(FIND(f, "AL@EXAMPLE.ORG"), "$y$b");
  assert_string_equal(FIND(f, "bob@example.org"), "$y$c");   /* no final LF */
  assert_string_equal(FIND(f, "alice@example.or"), "");      /* a prefix */
  assert_string_equal(FIND(f, "lice@example.org"), "");
  assert_string_equal(FIND(f, ""), "");
  char const nocolon[] = "alice@example.org\nalice@example.org $y$a\n";
  assert_string_equal(FIND(nocolon, "alice@example.org"), "");
}

static void test_nul_cr(void **state)
{
  (void)state;
  /* a NUL in the address part never matches; one in the hash makes the
   * line unusable, and the next line of the address is taken */
  char const f[] = "alice\0example.org:$y$a\nbob@example.org:$y\0x\nbob@example.org:$y$b\n";
  assert_string_equal(FIND(f, "alice@example.org"), "");
  assert_string_equal(FIND(f, "bob@example.org"), "$y$b");
  char const crlf[] = "carol@example.org:$y$c\r\ndave@example.org:\r\n";
  assert_string_equal(FIND(crlf, "carol@example.org"), "$y$c");
  assert_string_equal(FIND(crlf, "dave@example.org"), "");   /* a CR alone is no hash */
}

static void test_long_comment_first(void **state)
{
  (void)state;
  char const f[] = "#alice@example.org:$y$x\nalice@example.org:$y$0123456789\nalice@example.org:$y$short\n"
                   "alice@example.org:$y$later\n\n\n";
  /* a hash over max is skipped; the first usable line wins */
  assert_string_equal(find(f, sizeof f - 1, "alice@example.org", 9), "$y$short");
  assert_string_equal(FIND(f, "alice@example.org"), "$y$0123456789");
  assert_string_equal(FIND(f, "#alice@example.org"), "$y$x");
  char big[70000];
  memset(big, 'a', sizeof big);
  memcpy(big + sizeof big - 10, ":$y$long\n", 9);
  big[sizeof big - 1] = 0;
  assert_string_equal(find(big, sizeof big - 1, "a", 100), "");
  assert_int_equal(pwline_is(big, sizeof big - 2, big, sizeof big - 10), 1);
}

static void test_next_is(void **state)
{
  (void)state;
  char const f[] = "a:1\n\nb:2";
  size_t pos = 0, n;
  char const *l = pwline_next(f, sizeof f - 1, &pos, &n);
  assert_ptr_equal(l, f);
  assert_int_equal(n, 3);
  assert_int_equal(pwline_is(l, n, "A", 1), 1);
  assert_int_equal(pwline_is(l, n, "a:", 2), 0);
  assert_int_equal(pwline_is(l, 1, "a", 1), 0);   /* "a" alone: no ':' */
  l = pwline_next(f, sizeof f - 1, &pos, &n);
  assert_int_equal(n, 0);
  l = pwline_next(f, sizeof f - 1, &pos, &n);
  assert_ptr_equal(l, f + 5);
  assert_int_equal(n, 3);
  assert_null(pwline_next(f, sizeof f - 1, &pos, &n));
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(test_case_and_colon),
    cmocka_unit_test(test_nul_cr),
    cmocka_unit_test(test_long_comment_first),
    cmocka_unit_test(test_next_is),
)
