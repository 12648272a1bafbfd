/* Unit tests for src/posta-remote/smtproutes.c: qmail's smtproutes syntax,
 * the most specific line first. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "posta-remote/smtproutes.h"
#include "unit.h"

/* control_lines' form: items NUL-terminated one after the other */
static char const LIST[] =
  "example.net:relay.example.org\0"
  ".example.net:sub-relay:2525\0"
  "direct.example.net:\0"
  "port.example.com::587\0"
  "v4.example.com:[192.0.2.7]:26\0"
  "v6.example.com:[IPv6:2001:db8::1]\0"
  "bad.example.com:relay:notaport\0"
  "bad2.example.com:[192.0.2.1\0"
  "Mixed.Case.ORG:mixed-relay\0";

static int find(char const *list, size_t len, char const *domain, smtproute *r)
{
  return smtproutes_find(list, len, domain, r, 0);
}

/* list routes domain to host and port. */
static void expect_route(char const *list, size_t len, char const *domain, char const *host, unsigned port)
{
  smtproute r;
  assert_int_equal(find(list, len, domain, &r), 1);
  assert_string_equal(r.host, host);
  assert_int_equal(r.port, port);
}

static void exact_domain(void **state)
{
  expect_route(LIST, sizeof LIST - 1, "example.net", "relay.example.org", 25);
}

static void suffix_with_port(void **state)
{
  expect_route(LIST, sizeof LIST - 1, "a.b.example.net", "sub-relay", 2525);
}

static void exception_means_mx(void **state)
{
  expect_route(LIST, sizeof LIST - 1, "direct.example.net", "", 25);
  expect_route(LIST, sizeof LIST - 1, "port.example.com", "", 587);
}

static void literals(void **state)
{
  expect_route(LIST, sizeof LIST - 1, "v4.example.com", "[192.0.2.7]", 26);
  expect_route(LIST, sizeof LIST - 1, "v6.example.com", "[IPv6:2001:db8::1]", 25);
}

static void no_match_and_default(void **state)
{
  smtproute r;
  assert_int_equal(find(LIST, sizeof LIST - 1, "elsewhere.org", &r), 0);
  static char const WITH_DEFAULT[] = "example.net:x\0:smarthost:2526\0";
  expect_route(WITH_DEFAULT, sizeof WITH_DEFAULT - 1, "elsewhere.org", "smarthost", 2526);
  /* the domain's own line beats the default */
  expect_route(WITH_DEFAULT, sizeof WITH_DEFAULT - 1, "example.net", "x", 25);
  assert_int_equal(find(0, 0, "example.net", &r), 0);
}

static void case_insensitive(void **state)
{
  expect_route(LIST, sizeof LIST - 1, "mixed.case.org", "mixed-relay", 25);
  expect_route(LIST, sizeof LIST - 1, "EXAMPLE.NET", "relay.example.org", 25);
}

static void malformed_named(void **state)
{
  smtproute r;
  char const *line = 0;
  errno = 0;
  assert_int_equal(smtproutes_find(LIST, sizeof LIST - 1, "bad.example.com", &r, &line), -1);
  assert_int_equal(errno, EINVAL);
  assert_string_equal(line, "bad.example.com:relay:notaport");
  assert_int_equal(smtproutes_find(LIST, sizeof LIST - 1, "bad2.example.com", &r, &line), -1);
  static char const PORTS[] = "a.test:r:0\0b.test:r:65536\0c.test:r:65535\0d.test:r:\0";
  assert_int_equal(find(PORTS, sizeof PORTS - 1, "a.test", &r), -1);
  assert_int_equal(find(PORTS, sizeof PORTS - 1, "b.test", &r), -1);
  assert_int_equal(find(PORTS, sizeof PORTS - 1, "c.test", &r), 1);
  assert_int_equal(r.port, 65535);
  assert_int_equal(find(PORTS, sizeof PORTS - 1, "d.test", &r), -1);
}

static void suffix_is_not_substring(void **state)
{
  smtproute r;
  /* "notexample.net" must not match ".example.net" nor "example.net" */
  assert_int_equal(find(LIST, sizeof LIST - 1, "notexample.net", &r), 0);
}

static void literal_keys(void **state)
{
  static char const L[] = "[127.0.0.3]:filter.test:10025\0"
                          "[IPv6:2001:db8::5]:[192.0.2.9]\0"
                          "[192.0.2.4]:\0"
                          ".0.3]:never\0"
                          ".3]:never\0"
                          ":smarthost\0";
  size_t n = sizeof L - 1;
  expect_route(L, n, "[127.0.0.3]", "filter.test", 10025);
  expect_route(L, n, "[ipv6:2001:db8::5]", "[192.0.2.9]", 25);
  /* its own exception: straight to the address */
  expect_route(L, n, "[192.0.2.4]", "", 25);
  /* no suffixes for a literal, but the default */
  expect_route(L, n, "[10.0.0.3]", "smarthost", 25);
  static char const NODEFAULT[] = "example.net:x\0";
  smtproute r;
  assert_int_equal(find(NODEFAULT, sizeof NODEFAULT - 1, "[10.0.0.3]", &r), 0);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(exact_domain),
    cmocka_unit_test(suffix_with_port),
    cmocka_unit_test(exception_means_mx),
    cmocka_unit_test(literals),
    cmocka_unit_test(no_match_and_default),
    cmocka_unit_test(case_insensitive),
    cmocka_unit_test(malformed_named),
    cmocka_unit_test(suffix_is_not_substring),
    cmocka_unit_test(literal_keys),
)
