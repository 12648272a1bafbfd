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
#include "unit.h"

static char dir[] = "/tmp/posta-test-domains-XXXXXX";

static int setup(void **state)
{
  if (fsfix_enter_mkdir(dir, "control", 0755) < 0) return -1;
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

typedef struct route_case_s route_case;
struct route_case_s {
  char const *addr;
  int kind;              /* DOMAINS_LOCAL or DOMAINS_REMOTE */
  char const *out;       /* the address it becomes; 0: not checked */
};

static void route(void **state)
{
  static route_case const v[] = {
    { "Alice@EXAMPLE.com", DOMAINS_LOCAL, "Alice@example.com" },
    { "bob@localhost", DOMAINS_LOCAL, 0 },
    /* locals wins over virtualdomains */
    { "x@example.com", DOMAINS_LOCAL, "x@example.com" },
    { "carol@Virt.Org", DOMAINS_LOCAL, "virt-carol@virt.org" },
    { "dan@a.b.hosted.net", DOMAINS_LOCAL, "hosted-dan@a.b.hosted.net" },
    /* the exception: an empty prefix */
    { "eve@except.hosted.net", DOMAINS_REMOTE, "eve@except.hosted.net" },
    /* a bare suffix does not match the domain itself */
    { "fay@hosted.net", DOMAINS_REMOTE, 0 },
    { "joe@other.org", DOMAINS_LOCAL, "joeprefix-joe@other.org" },
    { "jim@other.org", DOMAINS_REMOTE, 0 },
    { "gus@Remote.Example", DOMAINS_REMOTE, "gus@remote.example" },
    /* no '@': control/me */
    { "postmaster", DOMAINS_LOCAL, "postmaster@mail.example.com" },
    /* the last '@' splits */
    { "a@b@example.com", DOMAINS_LOCAL, "a@b@example.com" },
    { "nobody@nocolon.org", DOMAINS_REMOTE, 0 },
  };
  domains d = DOMAINS_ZERO;
  char out[256];
  assert_int_equal(domains_load(&d), 0);
  assert_string_equal(d.me, "mail.example.com");
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    int kind = domains_route(&d, v[i].addr, out, sizeof out);
    if (kind != v[i].kind) fail_msg("%s: kind %d, not %d", v[i].addr, kind, v[i].kind);
    if (v[i].out && strcmp(out, v[i].out)) fail_msg("%s: %s, not %s", v[i].addr, out, v[i].out);
  }
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

/* domains_load_in reads another instance's files, whatever the working
 * directory. */
static void load_in(void **state)
{
  domains d = DOMAINS_ZERO;
  assert_int_equal(chdir("/"), 0);
  assert_int_equal(domains_load_in(&d, dir), 0);
  assert_string_equal(d.me, "mail.example.com");
  assert_true(domains_is_local(&d, "localhost"));
  assert_true(domains_is_local(&d, "virt.org"));
  assert_false(domains_is_local(&d, "except.hosted.net"));
  /* loading again frees the old lists */
  assert_int_equal(domains_load_in(&d, "/nonexistent"), 0);
  assert_string_equal(d.me, "localhost");
  assert_false(domains_is_local(&d, "virt.org"));
  domains_free(&d);
  assert_int_equal(chdir(dir), 0);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(route),
    cmocka_unit_test(is_local),
    cmocka_unit_test(missing_files),
    cmocka_unit_test(load_in),
)
