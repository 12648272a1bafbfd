/* Unit tests for src/posta-injectd/injd_proto.c: posta-injectd's protocol
 * parser. A whole exchange fed at once and one byte at a time gives the
 * same message and envelope; the end of the message is reported once; bad
 * framing (a letter in a length, no comma, too many digits, a chunk over
 * INJP_CHUNK_MAX, bytes after the envelope) is 54; an envelope over envmax
 * is 91, a message over msgmax 53; a sink's code stops the parse; a
 * truncated input is not done. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "posta-injectd/injd_proto.h"

typedef struct got_s got;
struct got_s {
  char msg[256];
  size_t mlen;
  char env[256];
  size_t elen;
  int ends;
  int fail;   /* a code the message sink returns */
};

static int on_msg(void *ctx, char const *s, size_t n)
{
  got *g = ctx;
  if (g->fail) return g->fail;
  memcpy(g->msg + g->mlen, s, n);
  g->mlen += n;
  return 0;
}

static int on_end(void *ctx)
{
  ((got *)ctx)->ends++;
  return 0;
}

static int on_env(void *ctx, char const *s, size_t n)
{
  got *g = ctx;
  memcpy(g->env + g->elen, s, n);
  g->elen += n;
  return 0;
}

static char const whole[] = "5:hello,7: world\n,0:,11:Fa@b\0Tc@d\0\0,";

static int feed(char const *s, size_t n, got *g, uint64_t msgmax, size_t envmax, int bytewise, injp *p)
{
  injp_sink k = { on_msg, on_end, on_env, g };
  injp_init(p, msgmax, envmax);
  if (!bytewise) return injp_feed(p, s, n, &k);
  for (size_t i = 0; i < n; i++) {
    int r = injp_feed(p, s + i, 1, &k);
    if (r) return r;
  }
  return 0;
}

static void test_whole(void **state)
{
  (void)state;
  for (int bytewise = 0; bytewise < 2; bytewise++) {
    got g = { .mlen = 0 };
    injp p;
    assert_int_equal(feed(whole, sizeof whole - 1, &g, 0, 100, bytewise, &p), 0);
    assert_true(injp_done(&p));
    assert_int_equal(g.ends, 1);
    assert_int_equal(g.mlen, 12);
    assert_memory_equal(g.msg, "hello world\n", 12);
    assert_int_equal(g.elen, 11);
    assert_memory_equal(g.env, "Fa@b\0Tc@d\0\0", 11);
  }
}

static void test_truncated(void **state)
{
  (void)state;
  for (size_t n = 0; n < sizeof whole - 1; n++) {
    got g = { .mlen = 0 };
    injp p;
    assert_int_equal(feed(whole, n, &g, 0, 100, 0, &p), 0);
    assert_false(injp_done(&p));
  }
}

static void expect(char const *s, size_t n, uint64_t msgmax, size_t envmax, int code)
{
  for (int bytewise = 0; bytewise < 2; bytewise++) {
    got g = { .mlen = 0 };
    injp p;
    assert_int_equal(feed(s, n, &g, msgmax, envmax, bytewise, &p), code);
    assert_false(injp_done(&p));
    /* and it stays refused */
    injp_sink k = { on_msg, on_end, on_env, &g };
    assert_int_not_equal(injp_feed(&p, "0:,", 3, &k), 0);
  }
}
#define EXPECT(lit, msgmax, envmax, code) expect(lit, sizeof lit - 1, msgmax, envmax, code)

static void test_garbage(void **state)
{
  (void)state;
  EXPECT("x", 0, 100, INJP_EBAD);
  EXPECT(":", 0, 100, INJP_EBAD);
  EXPECT("5:hello;", 0, 100, INJP_EBAD);
  EXPECT("12345678901:", 0, 100, INJP_EBAD);
  EXPECT("1048577:", 0, 100, INJP_EBAD);
  EXPECT("-1:", 0, 100, INJP_EBAD);
  EXPECT("0:,4:Fa\0\0,x", 0, 100, INJP_EBAD);       /* after the envelope */
  EXPECT("0:,4:Fa\0\0,0:,", 0, 100, INJP_EBAD);
  EXPECT("0:,0:;", 0, 100, INJP_EBAD);
  EXPECT("GET / HTTP/1.0\r\n", 0, 100, INJP_EBAD);
}

static void test_limits(void **state)
{
  (void)state;
  EXPECT("0:,101:", 0, 100, INJP_EENV);
  EXPECT("6:hello!,", 5, 100, INJP_EBIG);
  EXPECT("3:hel,3:lo!,", 5, 100, INJP_EBIG);
  got g = { .mlen = 0 };
  injp p;
  assert_int_equal(feed("5:hello,0:,4:Fa\0\0,", 18, &g, 5, 4, 0, &p), 0);
  assert_true(injp_done(&p));
}

static void test_sink_code(void **state)
{
  (void)state;
  got g = { .fail = 53 };
  injp p;
  assert_int_equal(feed(whole, sizeof whole - 1, &g, 0, 100, 0, &p), 53);
  assert_int_equal(p.state, INJP_BAD);
  assert_int_equal(g.ends, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_whole),
    cmocka_unit_test(test_truncated),
    cmocka_unit_test(test_garbage),
    cmocka_unit_test(test_limits),
    cmocka_unit_test(test_sink_code),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
