/* Unit tests for src/common/envelope.c: every malformed envelope form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/envelope.h"
#include "unit.h"

static int parse(char const *s, size_t len, size_t maxrcpt, int *complete)
{
  envelope e;
  int c;
  int r = envelope_parse(s, len, maxrcpt, &e, &c);
  if (complete) *complete = c;
  return r;
}
#define P(lit, max) parse(lit, sizeof(lit) - 1, max, 0)

static void valid(void **state)
{
  static char const s[] = "Falice@example.com\0Tbob@example.org\0Tcarol@x\0";
  envelope e;
  int c;
  size_t pos = 0;
  assert_int_equal(envelope_parse(s, sizeof s, 10, &e, &c), ENVELOPE_OK);
  assert_int_equal(c, 1);
  assert_string_equal(e.sender, "alice@example.com");
  assert_int_equal(e.nrcpt, 2);
  assert_string_equal(envelope_rcpt(&e, &pos), "bob@example.org");
  assert_string_equal(envelope_rcpt(&e, &pos), "carol@x");
  assert_null(envelope_rcpt(&e, &pos));
}

static void null_sender(void **state)
{
  assert_int_equal(P("F\0Tpostmaster\0\0", 10), ENVELOPE_OK);
}

static void malformed(void **state)
{
  assert_int_equal(P("", 10), ENVELOPE_BAD);                        /* nothing */
  assert_int_equal(P("\0", 10), ENVELOPE_BAD);                      /* no F */
  assert_int_equal(P("Tbob\0Falice\0\0", 10), ENVELOPE_BAD);       /* T first */
  assert_int_equal(P("Falice\0\0", 10), ENVELOPE_BAD);              /* no recipient */
  assert_int_equal(P("Falice\0Xbob\0\0", 10), ENVELOPE_BAD);       /* unknown tag */
  assert_int_equal(P("Falice\0Tbob\0\0junk", 10), ENVELOPE_BAD);   /* after the end */
  assert_int_equal(P("Falice\0Tbob\0\0\0", 10), ENVELOPE_BAD);     /* two ends */
  assert_int_equal(P("Fal\rice\0Tbob\0\0", 10), ENVELOPE_BAD);     /* CR */
  assert_int_equal(P("Falice\0Tb\nob\0\0", 10), ENVELOPE_BAD);     /* LF */
  assert_int_equal(P("Falice\0Tb\x7fob\0\0", 10), ENVELOPE_BAD);   /* DEL */
  assert_int_equal(P("Falice\0Tb\tob\0\0", 10), ENVELOPE_BAD);     /* TAB */
  assert_int_equal(P("FF\0TT\0F\0\0", 10), ENVELOPE_BAD);           /* second F */
}

/* Addresses no delivery could reach: refused, not retried for days. */
static void unroutable(void **state)
{
  assert_int_equal(P("Fa@b\0T@\0\0", 10), ENVELOPE_BAD);            /* no local part, no domain */
  assert_int_equal(P("Fa@b\0Tx@\0\0", 10), ENVELOPE_BAD);           /* no domain */
  assert_int_equal(P("Fa@b\0Tx@y@\0\0", 10), ENVELOPE_BAD);         /* none after the last '@' */
  assert_int_equal(P("Fa@b\0T\0\0", 10), ENVELOPE_BAD);             /* empty recipient */
  assert_int_equal(P("Fa@b\0Tc@d\0T\0\0", 10), ENVELOPE_BAD);       /* the second one empty */
  assert_int_equal(P("F@\0Tc@d\0\0", 10), ENVELOPE_BAD);            /* sender "@" */
  assert_int_equal(P("Fx@\0Tc@d\0\0", 10), ENVELOPE_BAD);           /* sender "x@" */
  /* an empty local part is ""@x; without '@' the address is local */
  assert_int_equal(P("Fa@b\0T@x\0\0", 10), ENVELOPE_OK);
  assert_int_equal(P("F@x\0Tpostmaster\0\0", 10), ENVELOPE_OK);
  assert_int_equal(P("Fx\0T\"a@b\"@c\0\0", 10), ENVELOPE_OK);
}

static void truncated(void **state)
{
  static char const s[] = "Falice\0Tbob\0\0";
  for (size_t n = 0; n < sizeof s - 1; n++) {
    int c = 1;
    assert_int_equal(parse(s, n, 10, &c), ENVELOPE_BAD);
    if (n < sizeof s - 1) assert_int_equal(c, 0);
  }
  int c;
  assert_int_equal(parse(s, sizeof s - 1, 10, &c), ENVELOPE_OK);
}

static void lengths(void **state)
{
  size_t n = 1 + ENVELOPE_ADDR_MAX + 1 + 3 + 1;
  char *s = malloc(n + 2);
  s[0] = 'F';
  memset(s + 1, 'a', ENVELOPE_ADDR_MAX);
  memcpy(s + 1 + ENVELOPE_ADDR_MAX, "\0Tb\0\0", 5);
  assert_int_equal(parse(s, n, 10, 0), ENVELOPE_OK);
  free(s);
  /* one byte more: 11 */
  n++;
  s = malloc(n + 2);
  s[0] = 'F';
  memset(s + 1, 'a', ENVELOPE_ADDR_MAX + 1);
  memcpy(s + 2 + ENVELOPE_ADDR_MAX, "\0Tb\0\0", 5);
  assert_int_equal(parse(s, n, 10, 0), ENVELOPE_TOOLONG);
  /* and the same length without its NUL, cut off: still 11 */
  assert_int_equal(parse(s, 2 + ENVELOPE_ADDR_MAX, 10, 0), ENVELOPE_TOOLONG);
  free(s);
  /* an over-long recipient */
  s = malloc(2000);
  memcpy(s, "Fa\0T", 4);
  memset(s + 4, 'b', 1001);
  memcpy(s + 1005, "\0\0", 2);
  assert_int_equal(parse(s, 1007, 10, 0), ENVELOPE_TOOLONG);
  free(s);
}

static void nul_inside_address(void **state)
{
  /* "Falice\0" then "Tb" NUL "ob": the "ob" field has no valid tag */
  assert_int_equal(P("Falice\0Tb\0ob\0\0", 10), ENVELOPE_BAD);
}

static void recipient_limit(void **state)
{
  assert_int_equal(P("Fa\0Tb\0Tc\0\0", 2), ENVELOPE_OK);
  assert_int_equal(P("Fa\0Tb\0Tc\0Td\0\0", 2), ENVELOPE_BAD);
  assert_true(envelope_max(2) >= sizeof("Fa\0Tb\0Tc\0\0"));
}

static void maxrcpt_setting(void **state)
{
  /* one rule for posta-smtpd and posta-queue */
  assert_int_equal(envelope_maxrcpt(0), ENVELOPE_RCPT_HARDMAX);
  assert_int_equal(envelope_maxrcpt(5), 100);
  assert_int_equal(envelope_maxrcpt(99), 100);
  assert_int_equal(envelope_maxrcpt(100), 100);
  assert_int_equal(envelope_maxrcpt(1000), 1000);
  assert_int_equal(envelope_maxrcpt(100000), 100000);
  assert_int_equal(envelope_maxrcpt(100001), ENVELOPE_RCPT_HARDMAX);
  assert_int_equal(envelope_maxrcpt((unsigned long)-1), ENVELOPE_RCPT_HARDMAX);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(valid),
    cmocka_unit_test(null_sender),
    cmocka_unit_test(malformed),
    cmocka_unit_test(unroutable),
    cmocka_unit_test(truncated),
    cmocka_unit_test(lengths),
    cmocka_unit_test(nul_inside_address),
    cmocka_unit_test(recipient_limit),
    cmocka_unit_test(maxrcpt_setting),
)
