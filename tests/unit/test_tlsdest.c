/* test_tlsdest: the lines of control/tlsdestinations, options included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "posta-remote/tlsdest.h"
#include "unit.h"

static int find(char const *list, size_t len, char const *domain, tlsdest *d)
{
  char const *line = 0;
  return tlsdest_find(list, len, domain, d, &line);
}

static void plain_lines(void **state)
{
  static char const list[] = "bank.test\0.secure.test\0";
  size_t n = sizeof list - 1;
  tlsdest d;
  assert_int_equal(find(list, n, "bank.test", &d), 1);
  assert_int_equal(d.listed, 1);
  assert_string_equal(d.ca, "");
  assert_int_equal(d.nameslen, 0);
  assert_int_equal(find(list, n, "BANK.Test", &d), 1);
  assert_int_equal(find(list, n, "mx.bank.test", &d), 0);
  assert_int_equal(d.listed, 0);
  assert_int_equal(find(list, n, "a.b.secure.test", &d), 1);
  assert_int_equal(find(list, n, "secure.test", &d), 0);
  assert_int_equal(find(0, 0, "bank.test", &d), 0);
}

static void with_options(void **state)
{
  static char const list[] = "bank.test ca=/etc/bank.pem\tname=mx.bank.test,*.bank.net name=third.test\0"
                             ".bank.test ca=/other.pem\0"
                             "[192.0.2.1] name=relay.test\0";
  size_t n = sizeof list - 1, pos = 0;
  tlsdest d;
  assert_int_equal(find(list, n, "bank.test", &d), 1);
  assert_string_equal(d.ca, "/etc/bank.pem");
  assert_string_equal(tlsdest_name(&d, &pos), "mx.bank.test");
  assert_string_equal(tlsdest_name(&d, &pos), "*.bank.net");
  assert_string_equal(tlsdest_name(&d, &pos), "third.test");
  assert_null(tlsdest_name(&d, &pos));
  /* the most specific line: the subdomain gets the suffix line */
  assert_int_equal(find(list, n, "a.bank.test", &d), 1);
  assert_string_equal(d.ca, "/other.pem");
  assert_int_equal(d.nameslen, 0);
  assert_int_equal(find(list, n, "[192.0.2.1]", &d), 1);
  pos = 0;
  assert_string_equal(tlsdest_name(&d, &pos), "relay.test");
}

static void malformed(void **state)
{
  static char const *const bad[] = { "x.test ca=", "x.test name=", "x.test name=a,", "x.test name=,a",
                                     "x.test verify=no", "x.test ca", "x.test name=a,,b" };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    tlsdest d;
    char const *line = 0;
    assert_int_equal(tlsdest_find(bad[i], strlen(bad[i]) + 1, "x.test", &d, &line), -1);
    assert_ptr_equal(line, bad[i]);
    assert_int_equal(d.listed, 1);
  }
  char big[TLSDEST_CA_MAX + 20] = "x.test ca=/";
  memset(big + 11, 'a', sizeof big - 12);
  big[sizeof big - 1] = 0;
  tlsdest d;
  assert_int_equal(tlsdest_find(big, sizeof big, "x.test", &d, 0), -1);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(plain_lines),
    cmocka_unit_test(with_options),
    cmocka_unit_test(malformed),
)
