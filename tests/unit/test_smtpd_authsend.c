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

#include "fsfix.h"

#include "posta-smtpd/smtpd_auth.h"
#include "unit.h"

static char dir[] = "/tmp/posta-test-authsend-XXXXXX";

static int setup(void **state) { return fsfix_enter_mkdir(dir, "control", 0755); }
static int teardown(void **state) { return fsfix_remove(dir); }

typedef struct use_s use;
struct use_s {
  char const *login;
  char const *sender;
  int ok;
};

static void check(use const *v, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    int got = smtpd_authsend_ok(v[i].login, v[i].sender, "me.test");
    if (got != v[i].ok) fail_msg("login %s, sender <%s>: %d, not %d", v[i].login, v[i].sender, got, v[i].ok);
  }
}

static void own_address(void **state)
{
  static use const v[] = {
    { "alice@example.org", "alice@example.org", 1 },
    { "alice@example.org", "Alice@EXAMPLE.org", 1 },
    { "alice@example.org", "", 1 },
    { "alice@example.org", "bob@example.org", 0 },
    { "alice@example.org", "alice@example.org.evil", 0 },
    { "alice@example.org", "xalice@example.org", 0 },
    /* a login that is no address owns login@me */
    { "carol", "carol@me.test", 1 },
    { "carol", "carol@other.test", 0 },
    { "carol", "xcarol@me.test", 0 },
  };
  unlink("control/authsenders");
  check(v, sizeof v / sizeof v[0]);
}

static void listed(void **state)
{
  static use const v[] = {
    { "alice@example.org", "bob@example.org", 1 },
    { "ALICE@example.org", "BOB@example.org", 1 },
    { "alice@example.org", "x@lists.test", 1 },
    { "alice@example.org", "x@sub.lists.test", 0 },
    { "alice@example.org", "carol@example.org", 0 },
    { "root", "anyone@anywhere.test", 1 },
    { "bob@example.org", "alice@example.org", 0 },
  };
  write_file("control/authsenders", "# comment\nalice@example.org bob@example.org\nalice@example.org\t@Lists.Test\n"
             "alice@example.org\nroot *\nalice@example.orgx carol@example.org\n");
  check(v, sizeof v / sizeof v[0]);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(own_address),
    cmocka_unit_test(listed),
)
