/* Unit tests for src/sk/assign.c: users/assign lines, compilation into
 * users/cdb, and the values lookup reads back. */
#include <errno.h>
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

#include "sk/assign.h"
#include "unit.h"

static int parse(char const *text, assign_line *a, char const **why)
{
  static char buf[2048];
  size_t n = strlen(text);
  memcpy(buf, text, n + 1);
  return assign_parse_line(buf, n, a, why);
}

static void good_lines(void **state)
{
  assign_line a;
  char const *why;
  assert_int_equal(parse("=alice:alice:1001:100:/home/alice:::", &a, &why), 1);
  assert_int_equal(a.kind, '=');
  assert_string_equal(a.key, "alice");
  assert_string_equal(a.user, "alice");
  assert_int_equal(a.uid, 1001);
  assert_int_equal(a.gid, 100);
  assert_string_equal(a.home, "/home/alice");
  assert_string_equal(a.dash, "");
  assert_string_equal(a.ext, "");
  assert_int_equal(parse("+list-:lists:7:8:/var/lists:-:l-:", &a, &why), 1);
  assert_int_equal(a.kind, '+');
  assert_string_equal(a.key, "list-");
  assert_string_equal(a.dash, "-");
  assert_string_equal(a.ext, "l-");
  /* posta's domain-scoped keys, and qmail's catch-all prefix */
  assert_int_equal(parse("=alice@example.com:v:9:9:/m/a:::", &a, &why), 1);
  assert_string_equal(a.key, "alice@example.com");
  assert_int_equal(parse("+@catch.org:c:9:9:/c:-::", &a, &why), 1);
  assert_int_equal(a.keylen, 10);
  assert_int_equal(parse("+:c:9:9:/c:-::", &a, &why), 1);
  assert_int_equal(a.keylen, 0);
  assert_int_equal(parse(".", &a, &why), 2);
  assert_int_equal(parse("", &a, &why), 0);
  assert_int_equal(parse("# a comment", &a, &why), 0);
}

static void bad_lines(void **state)
{
  static char const *const bad[][2] = {
    { "alice:alice:1:1:/h:::", "line does not start with = or +" },
    { "=alice:alice:1:1:/h::", "too few fields (7, each ended by ':')" },
    { "=alice:alice:1:1:/h:::x", "text after the last field" },
    { "=alice:alice:1:1:/h::::", "text after the last field" },
    { "=alice:alice:x:1:/h:::", "bad uid" },
    { "=alice:alice:1:-1:/h:::", "bad gid" },
    { "=alice:alice:4294967295:1:/h:::", "bad uid" },
    { "=alice:alice:99999999999:1:/h:::", "bad uid" },
    { "=alice:alice:1:1:h:::", "bad home (not an absolute path)" },
    { "=alice:alice:1:1:/h:+::", "bad dash (empty or -)" },
    { "=alice::1:1:/h:::", "bad user name" },
    { "=alice:a/b:1:1:/h:::", "bad user name" },
    { "=alice:alice:1:1:/h::a/b:", "bad extension" },
    { "=:alice:1:1:/h:::", "empty local part" },
    { "=@x.org:alice:1:1:/h:::", "empty local part" },
    { "=a@b@c:alice:1:1:/h:::", "bad domain" },
    { "=a@:alice:1:1:/h:::", "bad domain" },
    { "=al\tice:alice:1:1:/h:::", "bad address" },
    { "=alice:alice:1:1:/h\r:::", "bad home (not an absolute path)" },
    { "..", "line does not start with = or +" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    assign_line a;
    char const *why = 0;
    assert_int_equal(parse(bad[i][0], &a, &why), -1);
    assert_non_null(why);
    assert_string_equal(why, bad[i][1]);
  }
}

static int compile(char const *text, unsigned *lineno, char const **why, char const *out)
{
  char *copy = strdup(text);
  int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  assert_true(fd >= 0);
  int r = assign_compile(copy, strlen(copy), fd, lineno, why);
  close(fd);
  free(copy);
  return r;
}

static void compile_and_read(void **state)
{
  char fn[] = "/tmp/posta-test-assign-XXXXXX";
  int tfd = mkstemp(fn);
  unsigned line;
  char const *why;
  cdb c = CDB_ZERO;
  cdb_data d;
  lookup_result r;
  char key[ASSIGN_KEY_MAX];
  assert_true(tfd >= 0);
  close(tfd);
  assert_int_equal(compile("# users\n=Alice:alice:1001:100:/home/alice:::\n"
                           "=alice:second:1:1:/x:::\n"
                           "+List-@Example.COM:lists:7:8:/var/lists:-:l-:\n\n.\ngarbage after the end\n",
                           &line, &why, fn), 0);
  assert_int_equal(cdb_init(&c, fn) > 0, 1);
  size_t k = assign_key(key, '=', "ALICE", 5, 0);
  assert_int_equal(k, 6);
  assert_memory_equal(key, "=alice", 6);
  assert_int_equal(cdb_find(&c, &d, key, (uint32_t)k), 1);
  assert_int_equal(assign_value(d.s, d.len, &r), 0);
  /* the first line of a key wins */
  assert_string_equal(r.user, "alice");
  assert_int_equal(r.uid, 1001);
  assert_int_equal(r.gid, 100);
  assert_string_equal(r.home, "/home/alice");
  k = assign_key(key, '+', "list-", 5, "example.com");
  assert_memory_equal(key, "+list-@example.com", k);
  assert_int_equal(cdb_find(&c, &d, key, (uint32_t)k), 1);
  assert_int_equal(assign_value(d.s, d.len, &r), 0);
  assert_string_equal(r.dash, "-");
  assert_string_equal(r.ext, "l-");
  k = assign_key(key, '+', "list-", 5, 0);
  assert_int_equal(cdb_find(&c, &d, key, (uint32_t)k), 0);
  /* a value posta-newu did not write is refused */
  assert_int_equal(assign_value("a\0b\0", 4, &r), -1);
  assert_int_equal(errno, EPROTO);
  cdb_free(&c);

  assert_int_equal(compile("=a:a:1:1:/a:::\n=b:b:x:1:/b:::\n.\n", &line, &why, fn), -2);
  assert_int_equal(line, 2);
  assert_string_equal(why, "bad uid");
  assert_int_equal(compile("=a:a:1:1:/a:::\n", &line, &why, fn), -2);
  assert_int_equal(line, 2);
  assert_string_equal(why, "no final . line");
  assert_int_equal(compile("=a:a:1:1:/a:::\n.", &line, &why, fn), -2);
  assert_string_equal(why, "last line has no newline");
  unlink(fn);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(good_lines),
    cmocka_unit_test(bad_lines),
    cmocka_unit_test(compile_and_read),
)
