/* Unit tests for src/posta-local/loopcheck.c: our Delivered-To line and
 * the hop count, over a header fed in pieces of every size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "posta-local/loopcheck.h"
#include "unit.h"

static char const dt[] = "Delivered-To: alice@example.com\n";

/* Feeds msg in pieces of size step; returns the finished state. */
static loopcheck run(char const *msg, size_t step)
{
  loopcheck l;
  size_t n = strlen(msg);
  loopcheck_start(&l, dt, sizeof dt - 1);
  for (size_t i = 0; i < n && !l.done; i += step) loopcheck_feed(&l, msg + i, n - i < step ? n - i : step);
  loopcheck_end(&l);
  return l;
}

static void every_step(char const *msg, int mine, unsigned hops)
{
  size_t n = strlen(msg);
  for (size_t step = 1; step <= n + 1; step++) {
    loopcheck l = run(msg, step);
    if (l.mine != mine || l.hops != hops)
      fail_msg("step %zu: mine %d hops %u, expected %d %u", step, l.mine, l.hops, mine, hops);
  }
}

static void not_looping(void **state)
{
  every_step("Received: from a\nSubject: x\n\nbody\n", 0, 1);
  every_step("Delivered-To: bob@example.com\nReceived: x\n\n", 0, 2);
  /* only a whole line counts, not a prefix or a longer address */
  every_step("Delivered-To: alice@example.com.evil\n\n", 0, 1);
  every_step("Delivered-To: alice@example.co\n\n", 0, 1);
  /* the body is not the header */
  every_step("Subject: x\n\nDelivered-To: alice@example.com\n", 0, 0);
  /* a folded line is not a new field */
  every_step("Subject: x\n Delivered-To: alice@example.com\n\n", 0, 0);
}

static void looping(void **state)
{
  every_step("Received: x\nDelivered-To: alice@example.com\n\nbody\n", 1, 2);
  /* without case, trailing blanks ignored, CRLF tolerated */
  every_step("delivered-to: ALICE@Example.COM  \r\n\r\n", 1, 1);
  /* a header without a body, even without its last LF */
  every_step("Delivered-To: alice@example.com", 1, 1);
}

static void hops(void **state)
{
  char msg[10000] = "";
  for (unsigned i = 0; i < 101; i++) strcat(msg, i % 2 ? "Received: from x\n" : "Delivered-To: x@y\n");
  strcat(msg, "\nbody\n");
  loopcheck l = run(msg, 7);
  assert_int_equal(l.hops, 101);
  assert_true(l.hops > LOOPCHECK_HOPS_MAX);
  assert_int_equal(l.mine, 0);
}

static void long_lines(void **state)
{
  /* a line longer than the kept prefix is read through, never matched */
  size_t n = LOOPCHECK_LINE * 3;
  char *msg = malloc(n + 100);
  assert_non_null(msg);
  strcpy(msg, "X-Long: ");
  memset(msg + 8, 'a', n);
  strcpy(msg + 8 + n, "\nDelivered-To: alice@example.com\n\n");
  loopcheck l = run(msg, 1000);
  assert_int_equal(l.mine, 1);
  strcpy(msg, "Delivered-To: alice@example.com");
  memset(msg + 31, ' ', n);
  strcpy(msg + 31 + n, "x\n\n");
  l = run(msg, 333);
  assert_int_equal(l.mine, 0);
  assert_int_equal(l.hops, 1);
  free(msg);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(not_looping),
    cmocka_unit_test(looping),
    cmocka_unit_test(hops),
    cmocka_unit_test(long_lines),
)
