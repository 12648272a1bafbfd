/* Unit tests for src/sk/inject_addr.c: golden address lists and the
 * envelope addresses each must give, and the lists that must be refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "sk/inject_addr.h"
#include "unit.h"

struct golden {
  char const *in;
  char const *out;     /* addresses separated by '|', "" for none */
};

static struct golden const good[] = {
  { "bob@example.com", "bob@example.com" },
  { "  bob@example.com  ", "bob@example.com" },
  { "Bob <bob@example.com>", "bob@example.com" },
  { "\"Bob, the builder\" <bob@example.com>, carol@example.org", "bob@example.com|carol@example.org" },
  { "bob@example.com (Bob Smith), (only a comment) carol@x.org", "bob@example.com|carol@x.org" },
  { "bob(nested (comment) here)@example.com", "bob@example.com" },
  { "(a \\) quoted paren) bob@example.com", "bob@example.com" },
  { "John Q. Public <jqp@example.com>", "jqp@example.com" },
  { "team: alice@a.example, Bob <bob@b.example>;, dave@d.example", "alice@a.example|bob@b.example|dave@d.example" },
  { "undisclosed-recipients:;", "" },
  { "Undisclosed recipients: ;", "" },
  { "", "" },
  { " , ,, ", "" },
  { "<>", "" },
  { "Nobody <>", "" },
  { "<@relay1.example,@relay2.example:bob@example.com>", "bob@example.com" },
  { "\"john doe\"@example.com", "john doe@example.com" },
  { "\"a\\\"b\"@example.com", "a\"b@example.com" },
  { "bob@[192.0.2.1]", "bob@[192.0.2.1]" },
  { "john . doe @ example . com", "john.doe@example.com" },
  { "Bob\r\n <bob@example.com>,\r\n\tcarol@example.org", "bob@example.com|carol@example.org" },
  { "Bob\n <bob@example.com>,\n carol", "bob@example.com|carol" },
  { "localonly", "localonly" },
  { "a@b, a@b", "a@b|a@b" },
  { "=?utf-8?q?J=C3=B6rg?= <joerg@example.de>", "joerg@example.de" },
  { "x:a@b;y:c@d;", "a@b|c@d" },
};

static char const *const bad[] = {
  "\"unclosed@example.com",
  "(unclosed comment bob@example.com",
  "Bob <bob@example.com",
  "bob@example.com>",
  "Bob <a@b> <c@d>",
  "<a@b> trailing words",
  "two words",
  "bob@[192.0.2.1",
  "bob@exa\001mple.com",
  "a: b: c@d;;",
  "<a b@c>",
  "bob)@example.com",
};

static void golden_lists(void **state)
{
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    stralloc out = STRALLOC_ZERO;
    char want[256];
    size_t n = 0;
    int r = inject_addr_list(good[i].in, strlen(good[i].in), &out);
    if (r < 0) fail_msg("\"%s\": refused, errno %d", good[i].in, errno);
    /* the expected list, '|' as NUL */
    for (char const *s = good[i].out; *s; s++) want[n++] = *s == '|' ? 0 : *s;
    if (n) want[n++] = 0;
    if (out.len != n || (n && memcmp(out.s, want, n)))
      fail_msg("\"%s\": got %.*s", good[i].in, (int)out.len, out.s ? out.s : "");
    int count = 0;
    for (size_t k = 0; k < n; k++) count += !want[k];
    assert_int_equal(r, count);
    stralloc_free(&out);
  }
}

static void refused(void **state)
{
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    stralloc out = STRALLOC_ZERO;
    assert_true(stralloc_cats(&out, "keep"));
    int r = inject_addr_list(bad[i], strlen(bad[i]), &out);
    if (r >= 0) fail_msg("\"%s\": accepted", bad[i]);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(out.len, 4);   /* out left as it was */
    stralloc_free(&out);
  }
}

static void too_long(void **state)
{
  char s[INJECT_ADDR_MAX + 10];
  stralloc out = STRALLOC_ZERO;
  memset(s, 'a', sizeof s);
  memcpy(s + INJECT_ADDR_MAX - 2, "@b", 2);
  assert_int_equal(inject_addr_list(s, INJECT_ADDR_MAX, &out), 1);   /* exactly the limit */
  assert_int_equal(out.len, INJECT_ADDR_MAX + 1);
  out.len = 0;
  memcpy(s + INJECT_ADDR_MAX - 2, "aa@b", 4);
  assert_int_equal(inject_addr_list(s, INJECT_ADDR_MAX + 2, &out), -1);
  assert_int_equal(errno, ENAMETOOLONG);
  stralloc_free(&out);
}

static void nul_inside(void **state)
{
  stralloc out = STRALLOC_ZERO;
  assert_int_equal(inject_addr_list("a\0b@c", 5, &out), -1);
  assert_int_equal(errno, EINVAL);
  stralloc_free(&out);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(golden_lists),
    cmocka_unit_test(refused),
    cmocka_unit_test(too_long),
    cmocka_unit_test(nul_inside),
)
