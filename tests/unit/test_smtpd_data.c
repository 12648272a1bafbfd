/* Unit tests for src/posta-smtpd/smtpd_data.c: the DATA state machine.
 * Line endings, dot-stuffing, every SMTP smuggling form, and the limits.
 * Each input is fed whole, byte by byte and in chunks of 3: the results
 * must agree, whatever the cuts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "posta-smtpd/smtpd_data.h"
#include "unit.h"

typedef struct result_s result;
struct result_s {
  int r;
  size_t used;          /* input consumed when it stopped */
  char out[4096];
  size_t outlen;
  smtpd_data d;
};

static void run_chunks(char const *in, size_t n, size_t chunk, size_t linemax, uint64_t sizemax, result *res)
{
  char out[4096];
  size_t off = 0;
  smtpd_data_init(&res->d, linemax, sizemax);
  res->outlen = 0;
  res->r = DATA_MORE;
  while (off < n) {
    size_t k = n - off < chunk ? n - off : chunk, used, olen;
    res->r = smtpd_data_feed(&res->d, in + off, k, &used, out, &olen);
    assert_true(olen <= used);
    memcpy(res->out + res->outlen, out, olen);
    res->outlen += olen;
    off += used;
    if (res->r != DATA_MORE) break;
    assert_int_equal(used, k);
  }
  res->out[res->outlen] = 0;
  res->used = off;
}

/* Runs in every way and checks they agree; res gets the whole-feed run. */
static void run(char const *in, size_t n, size_t linemax, uint64_t sizemax, result *res)
{
  static result other;
  size_t chunks[] = { 1, 3 };
  run_chunks(in, n, n ? n : 1, linemax, sizemax, res);
  for (size_t i = 0; i < 2; i++) {
    run_chunks(in, n, chunks[i], linemax, sizemax, &other);
    assert_int_equal(other.r, res->r);
    assert_int_equal(other.used, res->used);
    assert_int_equal(other.outlen, res->outlen);
    assert_memory_equal(other.out, res->out, res->outlen);
    assert_int_equal(other.d.flags, res->d.flags);
    assert_int_equal(other.d.hops, res->d.hops);
  }
}

#define RUN(s, res) run((s), sizeof(s) - 1, 1000, 0, (res))

static void ends(void **state)
{
  static result res;
  RUN("Subject: x\r\n\r\nbody\r\n.\r\n", &res);
  assert_int_equal(res.r, DATA_END);
  assert_string_equal(res.out, "Subject: x\n\nbody\n");
  assert_int_equal(res.used, 23);
  /* an empty message: the end on the first line */
  RUN(".\r\n", &res);
  assert_int_equal(res.r, DATA_END);
  assert_int_equal(res.outlen, 0);
  /* what follows the end is left alone */
  RUN("a\r\n.\r\nQUIT\r\n", &res);
  assert_int_equal(res.r, DATA_END);
  assert_int_equal(res.used, 6);
  /* not finished */
  RUN("a\r\nb\r\n", &res);
  assert_int_equal(res.r, DATA_MORE);
  assert_string_equal(res.out, "a\nb\n");
  RUN("a\r\n.", &res);
  assert_int_equal(res.r, DATA_MORE);
  RUN("a\r\n.\r", &res);
  assert_int_equal(res.r, DATA_MORE);
}

static void stuffing(void **state)
{
  static result res;
  RUN("..\r\n...\r\n.x\r\nx.\r\n. \r\n.\r\n", &res);
  assert_int_equal(res.r, DATA_END);
  assert_string_equal(res.out, ".\n..\nx\nx.\n \n");
  /* a dot inside a line is data */
  RUN("a.b\r\n.\r\n", &res);
  assert_string_equal(res.out, "a.b\n");
  /* 8-bit and UTF-8 pass untouched */
  RUN("\xc3\xa9t\xc3\xa9 \xff\x80\r\n.\r\n", &res);
  assert_int_equal(res.r, DATA_END);
  assert_string_equal(res.out, "\xc3\xa9t\xc3\xa9 \xff\x80\n");
}

/* The smuggling forms: none may end the message; each is a bare CR or LF. */
static void smuggling(void **state)
{
  static result res;
  char const *forms[] = {
    "a\n.\n", "a\n.\r\n", "a\r\n.\n", "a\r.\r", "a\r.\r\n", "a\r\n.\r",
    "a\r\n.\rX", "a\n.\nMAIL FROM:<x@y>\r\n", "a\r\n\n.\r\n", "a\r\r\n.\r\n",
    "\n.\r\n", "\r\n\r.\r\n", "a\rb\r\n.\r\n", "a\nb\r\n.\r\n",
    ".\n", ".\r.\r\n", "a\r\n.\r\r\n",
  };
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
    run(forms[i], strlen(forms[i]), 1000, 0, &res);
    if (res.r == DATA_MORE) {
      /* a lone CR at the very end is not yet known to be bare */
      assert_int_equal(forms[i][strlen(forms[i]) - 1], '\r');
      char more[64];
      snprintf(more, sizeof more, "%sX", forms[i]);
      run(more, strlen(more), 1000, 0, &res);
    }
    if (res.r != DATA_BARE) print_error("form %zu not refused\n", i);
    assert_int_equal(res.r, DATA_BARE);
    /* and nothing after the bare octet was consumed */
    assert_true(res.used <= strlen(forms[i]) + 1);
  }
}

static void line_length(void **state)
{
  static char in[3000];
  static result res;
  /* 998 octets and CRLF: 1000, the limit */
  memset(in, 'x', 998);
  memcpy(in + 998, "\r\n.\r\n", 5);
  run(in, 1003, 1000, 0, &res);
  assert_int_equal(res.r, DATA_END);
  assert_int_equal(res.d.flags, 0);
  /* 999: flagged, the message still read to its end */
  memset(in, 'x', 999);
  memcpy(in + 999, "\r\n.\r\n", 5);
  run(in, 1004, 1000, 0, &res);
  assert_int_equal(res.r, DATA_END);
  assert_int_equal(res.d.flags, DATA_F_TOOLONG);
  /* a stuffed dot counts: it was sent */
  in[0] = '.';
  memset(in + 1, 'x', 998);
  memcpy(in + 999, "\r\n.\r\n", 5);
  run(in, 1004, 1000, 0, &res);
  assert_int_equal(res.d.flags, DATA_F_TOOLONG);
  /* no limit */
  memset(in, 'x', 2500);
  memcpy(in + 2500, "\r\n.\r\n", 5);
  run(in, 2505, 0, 0, &res);
  assert_int_equal(res.d.flags, 0);
}

static void nul_and_size(void **state)
{
  static result res;
  run("a\0b\r\n.\r\n", 8, 1000, 0, &res);
  assert_int_equal(res.r, DATA_END);
  assert_int_equal(res.d.flags, DATA_F_NUL);
  /* size counts output octets, LF line ends */
  RUN("12345678\r\n.\r\n", &res);
  assert_int_equal(res.d.size, 9);
  run("12345678\r\n.\r\n", 13, 1000, 9, &res);
  assert_int_equal(res.d.flags, 0);
  run("12345678\r\n.\r\n", 13, 1000, 8, &res);
  assert_int_equal(res.r, DATA_END);
  assert_int_equal(res.d.flags, DATA_F_TOOBIG);
  assert_int_equal(res.d.size, 8);
}

static void hops(void **state)
{
  static char in[8192];
  static result res;
  size_t n = 0;
  for (int i = 0; i < 101; i++) n += (size_t)sprintf(in + n, "%s: from x\r\n", i % 2 ? "RECEIVED" : "Received");
  n += (size_t)sprintf(in + n, "X-Received: no\r\n Received: no\r\n.Received: yes\r\nReceived:\r\n\r\nReceived: body\r\n.\r\n");
  run(in, n, 1000, 0, &res);
  assert_int_equal(res.r, DATA_END);
  assert_int_equal(res.d.hops, 103);
  RUN("Subject: a\r\n\r\nReceived: x\r\n.\r\n", &res);
  assert_int_equal(res.d.hops, 0);
  RUN("Receive: x\r\nReceived x\r\n.\r\n", &res);
  assert_int_equal(res.d.hops, 0);
}

/* Random input over the octets that matter: every cut gives the same
 * verdict (run() checks), the end is only ever CRLF.CRLF (or .CRLF first),
 * no CR reaches the output, and nothing before the end was a bare CR or LF. */
static void random_input(void **state)
{
  static char const alphabet[] = "\r\n.aR\0";
  static result res;
  unsigned seed = 4242, ends = 0, bares = 0;
  char in[48];
  for (int round = 0; round < 20000; round++) {
    seed = seed * 1103515245 + 12345;
    size_t n = 1 + (seed >> 16) % sizeof in;
    for (size_t i = 0; i < n; i++) {
      seed = seed * 1103515245 + 12345;
      in[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
    }
    run(in, n, 1000, 0, &res);
    assert_null(memchr(res.out, '\r', res.outlen));
    /* before the octet that stopped it, CR and LF come only as CRLF */
    size_t stop = res.r == DATA_MORE ? n : res.r == DATA_BARE ? res.used - 1 : res.used;
    for (size_t i = 0; i + 1 < stop; i++) {
      if (in[i] == '\r') assert_int_equal(in[i + 1], '\n');
      if (in[i + 1] == '\n') assert_int_equal(in[i], '\r');
    }
    if (in[0] == '\n') assert_int_equal(res.r, DATA_BARE);
    if (res.r == DATA_END) {
      ends++;
      assert_true(res.used == 3 ? !memcmp(in, ".\r\n", 3) : res.used >= 5 && !memcmp(in + res.used - 5, "\r\n.\r\n", 5));
    }
    bares += res.r == DATA_BARE;
  }
  assert_true(ends > 100);
  assert_true(bares > 1000);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(ends),
    cmocka_unit_test(stuffing),
    cmocka_unit_test(smuggling),
    cmocka_unit_test(line_length),
    cmocka_unit_test(nul_and_size),
    cmocka_unit_test(hops),
    cmocka_unit_test(random_input),
)
