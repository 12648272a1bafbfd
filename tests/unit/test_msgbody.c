/* Unit tests for src/posta-remote/msgbody.c: every line ends in CRLF on the
 * wire, dots are stuffed, the data ends exactly once, whatever the stored
 * line ends and whatever the output room. */
#include <errno.h>
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

#include "posta-remote/msgbody.h"
#include "unit.h"

/* Encodes s with an output room of step bytes at a time. */
static size_t encode(char const *s, size_t len, size_t step, char *out)
{
  msgenc e = MSGENC_ZERO;
  size_t o = 0;
  int rounds = 0;
  while (!e.done) {
    o += msgbody_encode(&e, s, len, out + o, step);
    assert_true(++rounds < 1000000);
  }
  return o;
}

static void check(char const *in, size_t inlen, char const *want)
{
  char out[4096];
  for (size_t step = 5; step < 40; step++) {
    size_t n = encode(in, inlen, step, out);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
  }
  size_t n = encode(in, inlen, sizeof out, out);
  assert_int_equal(n, strlen(want));
  msgbody m = { (char *)in, inlen, 0, 0, 0 };
  msgbody_scan(&m);
  /* the SIZE estimate: the wire bytes but the stuffed dots and ".\r\n" */
  size_t dots = 0;
  for (size_t i = 0; i + 1 < n; i++)
    if ((i == 0 || out[i - 1] == '\n') && out[i] == '.' && out[i + 1] == '.') dots++;
  assert_int_equal(m.wiresize, n - 3 - dots);
}

static void lf_becomes_crlf(void **state)
{
  check("a\nb\n", 4, "a\r\nb\r\n.\r\n");
}

static void bare_cr_and_crlf(void **state)
{
  check("a\rb\r\nc\n\rd\n", 10, "a\r\nb\r\nc\r\n\r\nd\r\n.\r\n");
  check("x\r", 2, "x\r\n.\r\n");
  check("\r\r\n\n", 4, "\r\n\r\n\r\n.\r\n");
}

static void dots_stuffed(void **state)
{
  check(".\n", 2, "..\r\n.\r\n");
  check("a\n.\nb\n", 6, "a\r\n..\r\nb\r\n.\r\n");
  check("..x\n.y\n", 7, "...x\r\n..y\r\n.\r\n");
  check("a.b\n", 4, "a.b\r\n.\r\n");
  check("a\r.\r\n", 5, "a\r\n..\r\n.\r\n");
}

static void missing_final_newline(void **state)
{
  check("abc", 3, "abc\r\n.\r\n");
  check(".", 1, "..\r\n.\r\n");
  check("", 0, ".\r\n");
}

static void nul_and_eight_bit_pass(void **state)
{
  char const in[] = "a\0b\xe9\n";
  char out[64];
  size_t n = encode(in, 5, 64, out);
  assert_int_equal(n, 9);
  assert_memory_equal(out, "a\0b\xe9\r\n.\r\n", 9);
  msgbody m = { (char *)in, 5, 0, 0, 0 };
  msgbody_scan(&m);
  assert_int_equal(m.eightbit, 1);
  msgbody m7 = { "plain\n", 6, 0, 0, 0 };
  msgbody_scan(&m7);
  assert_int_equal(m7.eightbit, 0);
}

static void no_bare_cr_or_lf_ever(void **state)
{
  char in[3000], out[8000];
  srand(7);
  for (int round = 0; round < 300; round++) {
    size_t len = (size_t)(rand() % (int)sizeof in);
    for (size_t i = 0; i < len; i++) {
      int k = rand() % 6;
      in[i] = k == 0 ? '\n' : k == 1 ? '\r' : k == 2 ? '.' : (char)('a' + rand() % 26);
    }
    size_t n = encode(in, len, (size_t)(5 + rand() % 100), out);
    for (size_t i = 0; i < n; i++) {
      if (out[i] == '\r') assert_true(i + 1 < n && out[i + 1] == '\n');
      if (out[i] == '\n') assert_true(i > 0 && out[i - 1] == '\r');
    }
    /* exactly one end of data, at the end */
    assert_true(n >= 3);
    assert_memory_equal(out + n - 3, ".\r\n", 3);
    assert_true(n == 3 || (n >= 5 && !memcmp(out + n - 5, "\r\n.\r\n", 5)));
    for (size_t i = 0; i + 5 < n; i++)
      assert_false(!memcmp(out + i, "\r\n.\r\n", 5));
    if (n > 3) assert_false(out[0] == '.' && out[1] == '\r');
  }
}

static void load_regular_file_from_offset_zero(void **state)
{
  char path[] = "/tmp/test_msgbody.XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  unlink(path);
  assert_int_equal(write(fd, "Subject: x\n\nbody\n", 17), 17);
  /* the descriptor's offset is at the end, as a shared one may be */
  msgbody m = MSGBODY_ZERO;
  assert_int_equal(msgbody_load(&m, fd), 0);
  assert_int_equal(m.len, 17);
  assert_memory_equal(m.s, "Subject: x\n\nbody\n", 17);
  assert_int_equal(m.wiresize, 20);
  msgbody_free(&m);
  close(fd);
}

static void load_pipe(void **state)
{
  int p[2];
  assert_int_equal(pipe(p), 0);
  assert_int_equal(write(p[1], "a\nb", 3), 3);
  close(p[1]);
  msgbody m = MSGBODY_ZERO;
  assert_int_equal(msgbody_load(&m, p[0]), 0);
  assert_int_equal(m.len, 3);
  assert_int_equal(m.wiresize, 6);
  msgbody_free(&m);
  close(p[0]);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(lf_becomes_crlf),
    cmocka_unit_test(bare_cr_and_crlf),
    cmocka_unit_test(dots_stuffed),
    cmocka_unit_test(missing_final_newline),
    cmocka_unit_test(nul_and_eight_bit_pass),
    cmocka_unit_test(no_bare_cr_or_lf_ever),
    cmocka_unit_test(load_regular_file_from_offset_zero),
    cmocka_unit_test(load_pipe),
)
