/* Unit tests for src/sk/inject_in.c: CRLF to LF, sendmail's lone dot,
 * pieces of long lines, a CR split from its LF between two pieces. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "sk/inject_in.h"
#include "unit.h"

/* Everything the reader gives for input s, pieces of at most max bytes. */
static void all(char const *s, size_t len, int dot, size_t max, stralloc *out, size_t *pieces)
{
  int p[2], whole;
  inject_in in;
  assert_int_equal(pipe(p), 0);
  assert_int_equal(write(p[1], s, len), (ssize_t)len);
  close(p[1]);
  inject_in_init(&in, p[0], dot);
  *pieces = 0;
  for (;;) {
    size_t before = out->len;
    int r = inject_in_line(&in, out, max, &whole);
    assert_true(r >= 0);
    if (!r) break;
    assert_true(out->len - before <= max);
    (*pieces)++;
  }
  close(p[0]);
}

struct golden {
  char const *in;
  int dot;
  char const *out;
};

static struct golden const golden[] = {
  { "a\r\nb\r\n", 0, "a\nb\n" },
  { "a\nb\n", 0, "a\nb\n" },
  { "a\rb\r\r\n", 0, "a\rb\r\n" },            /* only the CR before LF goes */
  { "no end", 0, "no end" },
  { "a\n.\nb\n", 1, "a\n" },                  /* the lone dot ends it */
  { "a\r\n.\r\nb\r\n", 1, "a\n" },
  { "a\n.", 1, "a\n" },                       /* a dot at the very end */
  { "a\n.\r", 1, "a\n" },
  { "a\n.\nb\n", 0, "a\n.\nb\n" },            /* -i: the dot is data */
  { "a\n..\nb\n", 1, "a\n..\nb\n" },          /* no unstuffing */
  { "a\n. \nb\n", 1, "a\n. \nb\n" },
  { "a\n.x\n", 1, "a\n.x\n" },
  { "x.\n.\r\r\n", 1, "x.\n.\r\n" },          /* ".\r\r\n" is not the lone dot */
  { ".\n", 1, "" },
  { "", 1, "" },
};

static void lines(void **state)
{
  for (size_t i = 0; i < sizeof golden / sizeof *golden; i++) {
    stralloc out = STRALLOC_ZERO;
    size_t pieces;
    all(golden[i].in, strlen(golden[i].in), golden[i].dot, 1000, &out, &pieces);
    if (out.len != strlen(golden[i].out) || (out.len && memcmp(out.s, golden[i].out, out.len)))
      fail_msg("golden %zu: got [%.*s]", i, (int)out.len, out.s);
    stralloc_free(&out);
  }
}

static void pieces(void **state)
{
  /* every CR LF across every piece boundary */
  static char const in[] = "abcdefg\r\nhij\r\nklmnopqrstu\r\n\r\nv\r";
  static char const want[] = "abcdefg\nhij\nklmnopqrstu\n\nv\r";
  for (size_t max = 2; max < 12; max++) {
    stralloc out = STRALLOC_ZERO;
    size_t n;
    all(in, sizeof in - 1, 0, max, &out, &n);
    if (out.len != sizeof want - 1 || memcmp(out.s, want, out.len))
      fail_msg("max %zu: got [%.*s]", max, (int)out.len, out.s);
    stralloc_free(&out);
  }
}

static void dot_after_piece(void **state)
{
  /* a "." that starts a piece but not a line is data */
  static char const in[] = "abcd.\n.\n";
  stralloc out = STRALLOC_ZERO;
  size_t n;
  all(in, sizeof in - 1, 1, 4, &out, &n);
  assert_int_equal(out.len, 6);
  assert_memory_equal(out.s, "abcd.\n", 6);
  stralloc_free(&out);
}

static void long_input(void **state)
{
  /* more than the reader's buffer, in lines of 100 */
  stralloc in = STRALLOC_ZERO, out = STRALLOC_ZERO, want = STRALLOC_ZERO;
  size_t n;
  int p[2];
  for (int i = 0; i < 1500; i++) {
    char line[128];
    memset(line, 'a' + i % 26, 98);
    memcpy(line + 98, "\r\n", 2);
    assert_true(stralloc_catb(&in, line, 100));
    line[98] = '\n';
    assert_true(stralloc_catb(&want, line, 99));
  }
  /* through a pipe in a child, since it is more than a pipe holds */
  assert_int_equal(pipe(p), 0);
  if (!fork()) {
    close(p[0]);
    if (write(p[1], in.s, in.len) != (ssize_t)in.len) _exit(1);
    _exit(0);
  }
  close(p[1]);
  inject_in rd;
  int whole;
  inject_in_init(&rd, p[0], 1);
  n = 0;
  while (inject_in_line(&rd, &out, 4096, &whole) > 0) n++;
  close(p[0]);
  wait(0);
  assert_int_equal(n, 1500);
  assert_int_equal(out.len, want.len);
  assert_memory_equal(out.s, want.s, want.len);
  stralloc_free(&in);
  stralloc_free(&out);
  stralloc_free(&want);
}

static void read_error(void **state)
{
  inject_in in;
  stralloc out = STRALLOC_ZERO;
  int whole;
  inject_in_init(&in, -1, 0);
  assert_int_equal(inject_in_line(&in, &out, 100, &whole), -1);
  assert_int_equal(errno, EBADF);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(lines),
    cmocka_unit_test(pieces),
    cmocka_unit_test(dot_after_piece),
    cmocka_unit_test(long_input),
    cmocka_unit_test(read_error),
)
