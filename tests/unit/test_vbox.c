/* Unit tests for src/sk/vbox.c: virtual mailbox addresses (they become
 * paths) and the compiled list. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <skalibs/cdb.h>

#include "sk/vbox.h"
#include "unit.h"

static void good(void **state)
{
  char out[VBOX_ADDR_MAX];
  size_t at;
  char const *why;
  assert_int_equal(vbox_addr("Alice@Example.COM", out, &at, &why), 0);
  assert_string_equal(out, "alice@example.com");
  assert_int_equal(at, 5);
  assert_int_equal(vbox_addr("john.smith+tag@mail-1.example.org", out, &at, &why), 0);
  assert_int_equal(vbox_addr("a@localhost", out, &at, &why), 0);
  assert_int_equal(vbox_addr("o'brien@x.ie", out, &at, &why), 0);
}

static void bad(void **state)
{
  static char const *const bad[] = {
    "alice", "@example.com", "alice@", ".alice@x.org", "alice.@x.org", "al..ice@x.org",
    "a/b@x.org", "..@x.org", "a b@x.org", "a\nb@x.org", "a\x01@x.org", "alice@x..org",
    "alice@.x.org", "alice@x.org.", "alice@-x.org", "alice@x-.org", "alice@x/y.org",
    "alice@x_y.org", "a@b@c.org", "caf\xc3\xa9@x.org",
  };
  char out[VBOX_ADDR_MAX];
  size_t at;
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char const *why = 0;
    if (vbox_addr(bad[i], out, &at, &why) != -1) fail_msg("accepted %s", bad[i]);
    assert_non_null(why);
  }
  char longlocal[VBOX_LOCAL_MAX + 10];
  memset(longlocal, 'a', VBOX_LOCAL_MAX + 1);
  strcpy(longlocal + VBOX_LOCAL_MAX + 1, "@x.org");
  char const *why;
  assert_int_equal(vbox_addr(longlocal, out, &at, &why), -1);
  longlocal[1] = '@';
  longlocal[2] = 0;
  char label[80];
  memset(label, 'b', 64);
  label[64] = 0;
  char addr[100];
  snprintf(addr, sizeof addr, "a@%s.org", label);
  assert_int_equal(vbox_addr(addr, out, &at, &why), -1);
}

static void compile(void **state)
{
  char fn[] = "/tmp/posta-test-vbox-XXXXXX";
  int fd = mkstemp(fn);
  char const text[] = "alice@example.com\nbad/one@example.com\n\nbob@example.org";
  cdb c = CDB_ZERO;
  cdb_data d;
  assert_true(fd >= 0);
  assert_int_equal(vbox_compile(text, sizeof text - 1, fd), 0);
  close(fd);
  assert_true(cdb_init(&c, fn) > 0);
  assert_int_equal(cdb_find(&c, &d, "alice@example.com", 17), 1);
  assert_int_equal(cdb_find(&c, &d, "bob@example.org", 15), 1);
  assert_int_equal(cdb_find(&c, &d, "bad/one@example.com", 19), 0);
  cdb_free(&c);
  unlink(fn);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(good),
    cmocka_unit_test(bad),
    cmocka_unit_test(compile),
)
