/* Unit tests for src/common/domains.c: qmail's locals and virtualdomains. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsfix.h"
#include "common/domains.h"

static char dir[] = "/tmp/posta-test-domains-XXXXXX";

static int setup(void **state)
{
  if (!mkdtemp(dir)) return -1;
  if (chdir(dir) < 0 || mkdir("control", 0755) < 0) return -1;
  write_file("control/me", "Mail.Example.COM\n");
  write_file("control/locals", "example.com\n# a comment\n\nLocalhost \nmail.example.com\n");
  write_file("control/virtualdomains",
             "virt.org:virt\n"
             ".hosted.net:hosted\n"
             "except.hosted.net:\n"
             "joe@other.org:joeprefix\n"
             "example.com:never\n"
             "nocolon.org\n");
  return 0;
}

static int teardown(void **state)
{
  return fsfix_remove(dir);
}

static void route(void **state)
{
  domains d = DOMAINS_ZERO;
  char out[256];
  assert_int_equal(domains_load(&d), 0);
  assert_string_equal(d.me, "mail.example.com");

  assert_int_equal(domains_route(&d, "Alice@EXAMPLE.com", out, sizeof out), DOMAINS_LOCAL);
  assert_string_equal(out, "Alice@example.com");
  assert_int_equal(domains_route(&d, "bob@localhost", out, sizeof out), DOMAINS_LOCAL);
  /* locals wins over virtualdomains */
  assert_int_equal(domains_route(&d, "x@example.com", out, sizeof out), DOMAINS_LOCAL);
  assert_string_equal(out, "x@example.com");
  assert_int_equal(domains_route(&d, "carol@Virt.Org", out, sizeof out), DOMAINS_LOCAL);
  assert_string_equal(out, "virt-carol@virt.org");
  assert_int_equal(domains_route(&d, "dan@a.b.hosted.net", out, sizeof out), DOMAINS_LOCAL);
  assert_string_equal(out, "hosted-dan@a.b.hosted.net");
  /* the exception: an empty prefix */
  assert_int_equal(domains_route(&d, "eve@except.hosted.net", out, sizeof out), DOMAINS_REMOTE);
  assert_string_equal(out, "eve@except.hosted.net");
  /* a bare suffix does not match the domain itself */
  assert_int_equal(domains_route(&d, "fay@hosted.net", out, sizeof out), DOMAINS_REMOTE);
  assert_int_equal(domains_route(&d, "joe@other.org", out, sizeof out), DOMAINS_LOCAL);
  assert_string_equal(out, "joeprefix-joe@other.org");
  assert_int_equal(domains_route(&d, "jim@other.org", out, sizeof out), DOMAINS_REMOTE);
  assert_int_equal(domains_route(&d, "gus@Remote.Example", out, sizeof out), DOMAINS_REMOTE);
  assert_string_equal(out, "gus@remote.example");
  /* no '@': control/me */
  assert_int_equal(domains_route(&d, "postmaster", out, sizeof out), DOMAINS_LOCAL);
  assert_string_equal(out, "postmaster@mail.example.com");
  /* the last '@' splits */
  assert_int_equal(domains_route(&d, "a@b@example.com", out, sizeof out), DOMAINS_LOCAL);
  assert_string_equal(out, "a@b@example.com");
  assert_int_equal(domains_route(&d, "nobody@nocolon.org", out, sizeof out), DOMAINS_REMOTE);
  /* too small */
  assert_int_equal(domains_route(&d, "carol@virt.org", out, 10), -1);
  assert_int_equal(errno, ENAMETOOLONG);
  domains_free(&d);
}

static void is_local(void **state)
{
  domains d = DOMAINS_ZERO;
  assert_int_equal(domains_load(&d), 0);
  assert_true(domains_is_local(&d, "EXAMPLE.COM"));
  assert_true(domains_is_local(&d, "virt.org"));
  assert_true(domains_is_local(&d, "x.hosted.net"));
  assert_false(domains_is_local(&d, "except.hosted.net"));
  assert_false(domains_is_local(&d, "hosted.net"));
  assert_false(domains_is_local(&d, "other.org"));
  assert_false(domains_is_local(&d, "example.co"));
  domains_free(&d);
}

static void missing_files(void **state)
{
  domains d = DOMAINS_ZERO;
  char out[64];
  assert_int_equal(chdir("/"), 0);
  assert_int_equal(domains_load(&d), 0);
  assert_string_equal(d.me, "localhost");
  assert_int_equal(domains_route(&d, "a@b.c", out, sizeof out), DOMAINS_REMOTE);
  assert_int_equal(domains_route(&d, "a@LocalHost", out, sizeof out), DOMAINS_LOCAL);
  assert_true(domains_is_local(&d, "localhost"));
  domains_free(&d);
  assert_int_equal(chdir(dir), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(route),
    cmocka_unit_test(is_local),
    cmocka_unit_test(missing_files),
  };
  return cmocka_run_group_tests_name("domains", tests, setup, teardown);
}
