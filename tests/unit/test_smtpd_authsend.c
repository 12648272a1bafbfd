/* test_smtpd_authsend: which senders an authenticated login may use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "posta-smtpd/smtpd_auth.h"

static char dir[] = "/tmp/posta-test-authsend-XXXXXX";

static int setup(void **state)
{
  if (!mkdtemp(dir) || chdir(dir) < 0 || mkdir("control", 0755) < 0) return -1;
  return 0;
}

static int teardown(void **state)
{
  unlink("control/authsenders");
  rmdir("control");
  return rmdir(dir);
}

static void own_address(void **state)
{
  unlink("control/authsenders");
  assert_int_equal(smtpd_authsend_ok("alice@example.org", "alice@example.org", "me.test"), 1);
  assert_int_equal(smtpd_authsend_ok("alice@example.org", "Alice@EXAMPLE.org", "me.test"), 1);
  assert_int_equal(smtpd_authsend_ok("alice@example.org", "", "me.test"), 1);
  assert_int_equal(smtpd_authsend_ok("alice@example.org", "bob@example.org", "me.test"), 0);
  assert_int_equal(smtpd_authsend_ok("alice@example.org", "alice@example.org.evil", "me.test"), 0);
  assert_int_equal(smtpd_authsend_ok("alice@example.org", "xalice@example.org", "me.test"), 0);
  /* a login that is no address owns login@me */
  assert_int_equal(smtpd_authsend_ok("carol", "carol@me.test", "me.test"), 1);
  assert_int_equal(smtpd_authsend_ok("carol", "carol@other.test", "me.test"), 0);
  assert_int_equal(smtpd_authsend_ok("carol", "xcarol@me.test", "me.test"), 0);
}

static void listed(void **state)
{
  FILE *f = fopen("control/authsenders", "w");
  assert_non_null(f);
  fputs("# comment\nalice@example.org bob@example.org\nalice@example.org\t@Lists.Test\n"
        "alice@example.org\nroot *\nalice@example.orgx carol@example.org\n", f);
  fclose(f);
  assert_int_equal(smtpd_authsend_ok("alice@example.org", "bob@example.org", "me.test"), 1);
  assert_int_equal(smtpd_authsend_ok("ALICE@example.org", "BOB@example.org", "me.test"), 1);
  assert_int_equal(smtpd_authsend_ok("alice@example.org", "x@lists.test", "me.test"), 1);
  assert_int_equal(smtpd_authsend_ok("alice@example.org", "x@sub.lists.test", "me.test"), 0);
  assert_int_equal(smtpd_authsend_ok("alice@example.org", "carol@example.org", "me.test"), 0);
  assert_int_equal(smtpd_authsend_ok("root", "anyone@anywhere.test", "me.test"), 1);
  assert_int_equal(smtpd_authsend_ok("bob@example.org", "alice@example.org", "me.test"), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(own_address),
    cmocka_unit_test(listed),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
