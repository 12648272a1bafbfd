/* test_cpw_file: finding a login's hash in mailboxes/.passwd. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "posta-checkpw/cpw.h"
#include "unit.h"

static int lookup(char const *content, char const *login, char *hash, size_t size)
{
  char fn[] = "/tmp/posta-test-cpw-XXXXXX";
  int fd = mkstemp(fn);
  assert_true(fd >= 0);
  unlink(fn);
  assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
  lseek(fd, 0, SEEK_SET);
  int r = cpw_lookup(fd, login, hash, size);
  close(fd);
  return r;
}

static void found(void **state)
{
  char h[64];
  char const *file = "alice@example.org:$y$abc\nbob@example.org:$6$def\nal@example.org:$y$x\ncarol@example.org:$y$last";
  assert_int_equal(lookup(file, "bob@example.org", h, sizeof h), 1);
  assert_string_equal(h, "$6$def");
  assert_int_equal(lookup(file, "ALICE@example.org", h, sizeof h), 1);
  assert_string_equal(h, "$y$abc");
  /* the last line without LF */
  assert_int_equal(lookup(file, "carol@example.org", h, sizeof h), 1);
  assert_string_equal(h, "$y$last");
}

static void not_found(void **state)
{
  char h[8];
  assert_int_equal(lookup("alice@example.org:$y$abc\n", "alice@example.or", h, sizeof h), 0);
  assert_int_equal(lookup("alice@example.org:$y$abc\n", "lice@example.org", h, sizeof h), 0);
  assert_int_equal(lookup("alice@example.org:\n", "alice@example.org", h, sizeof h), 0);
  /* a hash too long for the buffer is no hash */
  assert_int_equal(lookup("alice@example.org:$y$0123456789\n", "alice@example.org", h, sizeof h), 0);
  assert_int_equal(lookup("", "alice@example.org", h, sizeof h), 0);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(found),
    cmocka_unit_test(not_found),
)
