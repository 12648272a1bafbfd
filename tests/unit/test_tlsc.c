/* test_tlsc: which domains control/tlsdestinations makes TLS-only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "posta-remote/tlsc.h"
#include "unit.h"

static int required(char const *list, size_t len, char const *domain)
{
  static job j;
  j.tlsdest = (char *)list;
  j.tlsdestlen = len;
  j.domain = domain;
  return tlsc_required(&j);
}

static void matching(void **state)
{
  /* control_lines' form: items NUL-terminated */
  static char const list[] = "bank.test\0.secure.test\0";
  size_t n = sizeof list - 1;
  assert_int_equal(required(list, n, "bank.test"), 1);
  assert_int_equal(required(list, n, "BANK.Test"), 1);
  assert_int_equal(required(list, n, "mx.bank.test"), 0);
  assert_int_equal(required(list, n, "xbank.test"), 0);
  assert_int_equal(required(list, n, "a.secure.test"), 1);
  assert_int_equal(required(list, n, "a.b.Secure.Test"), 1);
  assert_int_equal(required(list, n, "secure.test"), 0);
  assert_int_equal(required(list, n, "insecure.test"), 0);
  assert_int_equal(required(0, 0, "bank.test"), 0);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(matching),
)
