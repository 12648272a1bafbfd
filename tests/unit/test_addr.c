/* Unit tests for src/common/addr.c: RFC 5321 paths, every relay-trick form,
 * domains and address literals, UTF-8, and quoting on the way out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "common/addr.h"
#include "unit.h"

static int parse(char const *path, unsigned opts, addr *a)
{
  size_t used = 0;
  int r = addr_parse_path(path, strlen(path), opts, a, &used);
  if (!r) assert_int_equal(path[used - 1], '>');
  return r;
}

static void plain(void **state)
{
  addr a;
  size_t used;
  assert_int_equal(parse("<Joe.User@Example.COM>", 0, &a), ADDR_OK);
  assert_string_equal(a.s, "Joe.User@example.com");
  assert_int_equal(a.at, 8);
  assert_int_equal(a.flags, 0);
  assert_false(addr_is_trick(&a));
  /* the parser stops at '>': parameters follow */
  char const *cmd = "<a@b.c> SIZE=10";
  assert_int_equal(addr_parse_path(cmd, strlen(cmd), 0, &a, &used), ADDR_OK);
  assert_int_equal(used, 7);
  assert_int_equal(parse("<x+tag-1=2/3{}|~#$&'*?^_`@a-b.c0>", 0, &a), ADDR_OK);
}

static void null_and_bare(void **state)
{
  addr a;
  assert_int_equal(parse("<>", 0, &a), ADDR_ENULL);
  assert_int_equal(parse("<>", ADDR_NULLOK, &a), ADDR_OK);
  assert_string_equal(a.s, "");
  assert_true(a.flags & ADDR_F_NULL);
  assert_int_equal(parse("<postmaster>", 0, &a), ADDR_ENODOMAIN);
  assert_int_equal(parse("<Postmaster>", ADDR_BAREOK, &a), ADDR_OK);
  assert_string_equal(a.s, "Postmaster");
  assert_true(a.flags & ADDR_F_BARE);
  assert_int_equal(a.at, a.len);
}

static void syntax(void **state)
{
  addr a;
  char const *bad[] = {
    "", "<", "a@b.c", "<a@b.c", "a@b.c>", "<a@b.c>>" /* ok up to first > */,
    "<@>", "<a@>", "<@b.c>", "<.a@b.c>", "<a.@b.c>", "<a..b@b.c>",
    "<a@b..c>", "<a@.b.c>", "<a@b.c.>", "<a@-b.c>", "<a@b-.c>", "<a@b_c.d>",
    "<a b@c.d>", "<a@b c.d>", "<a\x01@b.c>", "<a@b.c\x7f>", "<\"\"@b.c>",
    "<\"a\"b@c.d>", "<\"a@c.d>", "<\"a\\\x01\"@c.d>", "<a(comment)@b.c>",
    "<a@[1.2.3]>", "<a@[1.2.3.256]>", "<a@[1.2.3.4.5]>", "<a@[IPv6:1::2::3]>",
    "<a@[IPv6:12345::]>", "<a@[IPv6:1:2:3:4:5:6:7:8:9]>", "<a@[IPv6:1:2:3:4:5:6:7]>",
    "<a@[foo]>", "<a@[tag:general]>", "<a@b.c ", "<a@b@c.d>", "<a@b.c@d.e>",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int r = parse(bad[i], ADDR_NULLOK | ADDR_BAREOK, &a);
    if (i == 5) { assert_int_equal(r, ADDR_OK); continue; }
    if (r != ADDR_ESYNTAX) print_error("%s: %d\n", bad[i], r);
    assert_int_equal(r, ADDR_ESYNTAX);
  }
}

static void literals(void **state)
{
  addr a;
  assert_int_equal(parse("<a@[127.0.0.1]>", 0, &a), ADDR_OK);
  assert_string_equal(a.s, "a@[127.0.0.1]");
  assert_true(a.flags & ADDR_F_LITERAL);
  char const *good[] = {
    "<a@[IPv6:::1]>", "<a@[IPv6:2001:db8::1]>", "<a@[ipv6:1:2:3:4:5:6:7:8]>",
    "<a@[IPv6:::ffff:192.0.2.1]>", "<a@[IPv6:1::]>", "<a@[IPv6:1:2:3:4:5:6:1.2.3.4]>",
  };
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) assert_int_equal(parse(good[i], 0, &a), ADDR_OK);
  assert_int_equal(parse("<a@[IPv6:1:2:3:4:5:6:7:1.2.3.4]>", 0, &a), ADDR_ESYNTAX);
  assert_int_equal(parse("<a@[IPv6:1.2.3.4:1::]>", 0, &a), ADDR_ESYNTAX);
}

/* Every form some mailer once took as a route elsewhere. */
static void relay_tricks(void **state)
{
  addr a;
  /* percent hack: legal atext, but flagged */
  assert_int_equal(parse("<user%remote.example@local.example>", 0, &a), ADDR_OK);
  assert_true(addr_is_trick(&a));
  /* bang path */
  assert_int_equal(parse("<remote.example!user@local.example>", 0, &a), ADDR_OK);
  assert_true(addr_is_trick(&a));
  /* quoted local parts holding @ or % */
  assert_int_equal(parse("<\"user@remote.example\"@local.example>", 0, &a), ADDR_OK);
  assert_string_equal(a.s, "user@remote.example@local.example");
  assert_int_equal(a.at, 19);
  assert_true(addr_is_trick(&a));
  assert_true(a.flags & ADDR_F_QUOTED);
  assert_int_equal(parse("<\"user%remote\"@local.example>", 0, &a), ADDR_OK);
  assert_true(addr_is_trick(&a));
  /* two @ unquoted: not an address */
  assert_int_equal(parse("<user@remote.example@local.example>", 0, &a), ADDR_ESYNTAX);
  /* source routes: accepted and dropped, the mailbox alone stays */
  assert_int_equal(parse("<@local.example:user@remote.example>", 0, &a), ADDR_OK);
  assert_string_equal(a.s, "user@remote.example");
  assert_true(a.flags & ADDR_F_ROUTE);
  assert_false(addr_is_trick(&a));
  assert_int_equal(parse("<@a.example,@b.example:user@c.example>", 0, &a), ADDR_OK);
  assert_string_equal(a.s, "user@c.example");
  assert_int_equal(parse("<@a.example:user>", ADDR_BAREOK, &a), ADDR_ESYNTAX);
  assert_int_equal(parse("<@a.example>", 0, &a), ADDR_ESYNTAX);
  assert_int_equal(parse("<@a.example,b.example:u@c.d>", 0, &a), ADDR_ESYNTAX);
  assert_int_equal(parse("<@:u@c.d>", 0, &a), ADDR_ESYNTAX);
  assert_int_equal(parse("<@a..b:u@c.d>", 0, &a), ADDR_ESYNTAX);
  /* ordinary addresses are not tricks */
  assert_int_equal(parse("<\"john doe\"@example.com>", 0, &a), ADDR_OK);
  assert_string_equal(a.s, "john doe@example.com");
  assert_false(addr_is_trick(&a));
}

static void quoted(void **state)
{
  addr a;
  assert_int_equal(parse("<\"a\\\"b\\\\c\"@d.e>", 0, &a), ADDR_OK);
  assert_string_equal(a.s, "a\"b\\c@d.e");
  assert_int_equal(parse("<\"plain\"@d.e>", 0, &a), ADDR_OK);
  assert_string_equal(a.s, "plain@d.e");
}

static void utf8(void **state)
{
  addr a;
  char const *u = "<j\xc3\xb6rg@b\xc3\xbc\x63her.example>";
  assert_int_equal(parse(u, 0, &a), ADDR_E8BIT);
  assert_int_equal(parse(u, ADDR_UTF8, &a), ADDR_OK);
  assert_true(a.flags & ADDR_F_8BIT);
  assert_int_equal(parse("<\"\xe2\x82\xac x\"@b.c>", ADDR_UTF8, &a), ADDR_OK);
  /* malformed UTF-8: overlong, surrogate, truncated, beyond U+10FFFF */
  assert_int_equal(parse("<\xc0\xafx@b.c>", ADDR_UTF8, &a), ADDR_E8BIT);
  assert_int_equal(parse("<\xed\xa0\x80x@b.c>", ADDR_UTF8, &a), ADDR_E8BIT);
  assert_int_equal(parse("<x\xe2\x82@b.c>", ADDR_UTF8, &a), ADDR_E8BIT);
  assert_int_equal(parse("<x\xf4\x90\x80\x80@b.c>", ADDR_UTF8, &a), ADDR_E8BIT);
  assert_int_equal(parse("<x@b\xff.c>", ADDR_UTF8, &a), ADDR_ESYNTAX);
  assert_true(addr_utf8_ok("\xf0\x9f\x98\x80", 4));
  assert_false(addr_utf8_ok("\xe0\x80\x80", 3));
}

static void lengths(void **state)
{
  addr a;
  char buf[1200];
  /* a 64-octet label is too long, 63 is fine */
  strcpy(buf, "<a@");
  memset(buf + 3, 'x', 64);
  strcpy(buf + 67, ".com>");
  assert_int_equal(parse(buf, 0, &a), ADDR_ETOOLONG);
  memset(buf + 3, 'x', 63);
  strcpy(buf + 66, ".com>");
  assert_int_equal(parse(buf, 0, &a), ADDR_OK);
  /* a domain over 255 octets */
  strcpy(buf, "<a@");
  for (int i = 0; i < 5; i++) { memset(buf + 3 + i * 60, 'y', 59); buf[3 + i * 60 + 59] = '.'; }
  strcpy(buf + 303, "com>");
  assert_int_equal(parse(buf, 0, &a), ADDR_ETOOLONG);
  /* a local part past ADDR_MAX */
  buf[0] = '<';
  memset(buf + 1, 'l', ADDR_MAX + 10);
  strcpy(buf + 1 + ADDR_MAX + 10, "@b.c>");
  assert_int_equal(parse(buf, 0, &a), ADDR_ETOOLONG);
}

static void domains(void **state)
{
  assert_true(addr_domain_ok("localhost", 9, 0));
  assert_true(addr_domain_ok("a-b.c", 5, 0));
  assert_false(addr_domain_ok("", 0, 0));
  assert_false(addr_domain_ok("a.b.", 4, 0));
  assert_true(addr_domain_ok("[10.0.0.1]", 10, 0));
  assert_false(addr_domain_ok("b\xc3\xbc.de", 6, 0));
  assert_true(addr_domain_ok("b\xc3\xbc.de", 6, ADDR_UTF8));
}

static void format(void **state)
{
  char out[64];
  assert_int_equal(addr_format_path(out, sizeof out, "", 0), 2);
  assert_string_equal(out, "<>");
  addr_format_path(out, sizeof out, "a.b@c.d", 7);
  assert_string_equal(out, "<a.b@c.d>");
  addr_format_path(out, sizeof out, "john doe@c.d", 12);
  assert_string_equal(out, "<\"john doe\"@c.d>");
  addr_format_path(out, sizeof out, "a\"b@x@c.d", 9);
  assert_string_equal(out, "<\"a\\\"b@x\"@c.d>");
  addr_format_path(out, sizeof out, ".a@c.d", 6);
  assert_string_equal(out, "<\".a\"@c.d>");
  assert_int_equal(addr_format_path(out, sizeof out, "a\nb@c.d", 7), 0);
  assert_int_equal(addr_format_path(out, 5, "abc@d.e", 7), 0);
  /* the round trip gives back the address */
  addr a;
  assert_int_equal(parse("<\"a\\\"b@x\"@c.d>", 0, &a), ADDR_OK);
  assert_string_equal(a.s, "a\"b@x@c.d");
}

static unsigned rnd(unsigned *seed, unsigned n)
{
  *seed = *seed * 1103515245 + 12345;
  return (*seed >> 16) % n;
}

static void pick(char *out, size_t *k, unsigned *seed, char const *set, unsigned n)
{
  size_t len = strlen(set);
  for (unsigned i = 0; i < n; i++) out[(*k)++] = set[rnd(seed, (unsigned)len)];
}

/* A valid path: a route sometimes, a dot-string or a quoted local part
 * (with @, %, spaces, escapes, UTF-8), a domain of LDH labels or a literal. */
static size_t valid_path(char *out, unsigned *seed)
{
  size_t k = 0;
  out[k++] = '<';
  if (!rnd(seed, 4)) { memcpy(out + k, "@r.example,@s:", 14); k += 14; }
  if (rnd(seed, 2)) {
    for (unsigned atoms = 1 + rnd(seed, 3), i = 0; i < atoms; i++) {
      if (i) out[k++] = '.';
      pick(out, &k, seed, "abZ09%!+-=/{}~", 1 + rnd(seed, 5));
    }
  } else {
    out[k++] = '"';
    for (unsigned i = 0, n = 1 + rnd(seed, 8); i < n; i++) {
      unsigned c = rnd(seed, 8);
      if (c == 0) { out[k++] = '\\'; out[k++] = '"'; }
      else if (c == 1) { out[k++] = '\\'; out[k++] = '\\'; }
      else if (c == 2) { out[k++] = '\xc3'; out[k++] = '\xa9'; }
      else pick(out, &k, seed, "a @%.:,<>()[]", 1);
    }
    out[k++] = '"';
  }
  out[k++] = '@';
  if (!rnd(seed, 5)) { memcpy(out + k, "[192.0.2.1]", 11); k += 11; }
  else {
    for (unsigned labels = 1 + rnd(seed, 3), i = 0; i < labels; i++) {
      if (i) out[k++] = '.';
      pick(out, &k, seed, "abcXYZ", 1);
      pick(out, &k, seed, "a1-", rnd(seed, 4));
      pick(out, &k, seed, "z9", 1);
    }
  }
  out[k++] = '>';
  return k;
}

/* Valid paths, and the same with one octet changed: a valid one parses, and
 * whatever is accepted is NUL-free, control-free, within ADDR_MAX, and
 * parses back to itself once formatted. Under the sanitizer build this
 * also finds any read past the input. */
static void random_paths(void **state)
{
  static char const noise[] = "<>@.:,\"\\%! \x00\x01\x7f\xc3\xff[]";
  unsigned seed = 12345, accepted = 0, mutated_ok = 0;
  char in[128], out[ADDR_MAX + 8];
  for (int round = 0; round < 100000; round++) {
    size_t n = valid_path(in, &seed), used, used2;
    int mutate = round % 2;
    if (mutate) in[1 + rnd(&seed, (unsigned)n - 1)] = noise[rnd(&seed, sizeof noise - 1)];
    addr a, b;
    int r = addr_parse_path(in, n, ADDR_UTF8, &a, &used);
    if (!mutate) assert_int_equal(r, ADDR_OK);
    if (r) continue;
    accepted++;
    mutated_ok += mutate;
    assert_true(used <= n);
    assert_int_equal(strlen(a.s), a.len);
    assert_true(a.len <= ADDR_MAX && a.at < a.len && a.s[a.at] == '@');
    for (size_t i = 0; i < a.len; i++) assert_true((unsigned char)a.s[i] >= 0x20 && a.s[i] != 0x7f);
    size_t k = addr_format_path(out, sizeof out, a.s, a.len);
    assert_true(k > 0);
    assert_int_equal(addr_parse_path(out, k, ADDR_UTF8, &b, &used2), ADDR_OK);
    assert_int_equal(used2, k);
    assert_string_equal(b.s, a.s);
    assert_int_equal(b.at, a.at);
    assert_int_equal(addr_is_trick(&b), addr_is_trick(&a));
  }
  assert_true(accepted >= 50000);
  assert_true(mutated_ok > 1000);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(plain),
    cmocka_unit_test(null_and_bare),
    cmocka_unit_test(syntax),
    cmocka_unit_test(literals),
    cmocka_unit_test(relay_tricks),
    cmocka_unit_test(quoted),
    cmocka_unit_test(utf8),
    cmocka_unit_test(lengths),
    cmocka_unit_test(domains),
    cmocka_unit_test(format),
    cmocka_unit_test(random_paths),
)
