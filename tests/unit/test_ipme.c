/* test_ipme: this host's addresses, control/moreipme's lines included. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "posta-remote/ipaddr.h"
#include "posta-remote/ipme.h"
#include "unit.h"

static ipme M;

static int is(char const *text)
{
  char ip[16], v4[4];
  if (inet_pton(AF_INET, text, v4) == 1) ipaddr_from4(ip, v4);
  else assert_int_equal(inet_pton(AF_INET6, text, ip), 1);
  return ipme_is(&M, ip);
}

static void interfaces(void **state)
{
  assert_int_equal(ipme_load(&M), 0);
  assert_true(is("127.0.0.1"));
  assert_true(is("0.0.0.0"));
  assert_true(is("::"));
  /* loopback beyond the interface's address is plan.c's, for literals */
  assert_false(is("127.0.0.2"));
  assert_false(is("198.18.77.1"));
}

static void more(void **state)
{
  static char const list[] = "198.18.77.1\0" "198.19.200.0/24\0" "2001:db8::/32\0" "198.18.99.7/32\0"
                             "10.0.0.0/9\0";
  char const *bad = 0;
  assert_int_equal(ipme_load(&M), 0);
  assert_int_equal(ipme_more(&M, list, sizeof list - 1, &bad), 0);
  assert_true(is("198.18.77.1"));
  assert_false(is("198.18.77.2"));
  assert_true(is("198.19.200.200"));
  assert_false(is("198.19.201.1"));
  assert_true(is("2001:db8:1::5"));
  assert_false(is("2001:db9::5"));
  assert_true(is("198.18.99.7"));
  assert_true(is("10.127.0.1"));
  assert_false(is("10.128.0.1"));
  assert_int_equal(ipme_more(&M, 0, 0, &bad), 0);
}

static void malformed(void **state)
{
  static char const *const bad[] = { "198.18.77.1/33", "2001:db8::/129", "192.0.2", "host.test", "198.18.77.1/",
                                     "/8", "198.18.77.1/8x", "198.18.77.1/0008" };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char const *line = 0;
    assert_int_equal(ipme_load(&M), 0);
    errno = 0;
    assert_int_equal(ipme_more(&M, bad[i], strlen(bad[i]) + 1, &line), -1);
    assert_int_equal(errno, EINVAL);
    assert_ptr_equal(line, bad[i]);
  }
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(interfaces),
    cmocka_unit_test(more),
    cmocka_unit_test(malformed),
)
