/* Unit tests for src/sk/inject_make.c: the From value's quoting, the date's
 * form in a fixed time zone, Message-ID's form and uniqueness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "sk/inject_make.h"
#include "unit.h"

static struct { char const *name, *out; } const froms[] = {
  { "Alice Smith", "Alice Smith <a@x.example>" },
  { "", "a@x.example" },
  { "   ", "a@x.example" },
  { "Smith, Alice", "\"Smith, Alice\" <a@x.example>" },
  { "A. Smith", "\"A. Smith\" <a@x.example>" },
  { "Say \"hi\" \\o/", "\"Say \\\"hi\\\" \\\\o/\" <a@x.example>" },
  { "Evil\r\nBcc: x@y", "\"EvilBcc: x@y\" <a@x.example>" },   /* no CR or LF ever */
  { "J\xc3\xb6rg", "J\xc3\xb6rg <a@x.example>" },
};

static void from(void **state)
{
  for (size_t i = 0; i < sizeof froms / sizeof *froms; i++) {
    stralloc out = STRALLOC_ZERO;
    assert_int_equal(inject_make_from(&out, froms[i].name, "a@x.example"), 0);
    if (out.len != strlen(froms[i].out) || memcmp(out.s, froms[i].out, out.len))
      fail_msg("[%s]: got [%.*s]", froms[i].name, (int)out.len, out.s);
    stralloc_free(&out);
  }
}

static void date(void **state)
{
  char buf[64];
  setenv("TZ", "UTC", 1);
  tzset();
  assert_int_equal(inject_make_date(buf, sizeof buf, 1700000000), 31);
  assert_string_equal(buf, "Tue, 14 Nov 2023 22:13:20 +0000");
  setenv("TZ", "CET-1", 1);
  tzset();
  inject_make_date(buf, sizeof buf, 1700000000);
  assert_string_equal(buf, "Tue, 14 Nov 2023 23:13:20 +0100");
  assert_int_equal(inject_make_date(buf, 10, 1700000000), 0);
}

static void msgid(void **state)
{
  char a[128], b[128];
  size_t n = inject_make_msgid(a, sizeof a, 1700000000, 42, "id.example");
  assert_int_equal(n, strlen(a));
  assert_memory_equal(a, "<1700000000.42.", 15);
  assert_string_equal(a + n - 12, "@id.example>");
  for (char const *s = a + 1; *s != '>'; s++)
    assert_non_null(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_@", *s));
  inject_make_msgid(b, sizeof b, 1700000000, 42, "id.example");
  assert_string_not_equal(a, b);   /* same second, same pid: still two ids */
  assert_int_equal(inject_make_msgid(a, 10, 1, 1, "x"), 0);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(from),
    cmocka_unit_test(date),
    cmocka_unit_test(msgid),
)
