/* Unit tests for src/posta-send/slog.c: log lines never carry CR, LF or
 * NUL from outside, and keep their documented form. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "posta-send/slog.h"
#include "unit.h"

static char out[SLOG_LINE_MAX * 2];

static size_t capture(void (*f)(slog *))
{
  int p[2];
  slog l;
  assert_int_equal(pipe(p), 0);
  slog_start(&l, p[1]);
  f(&l);
  slog_end(&l);
  close(p[1]);
  ssize_t n = read(p[0], out, sizeof out - 1);
  close(p[0]);
  assert_true(n > 0);
  out[n] = 0;
  return (size_t)n;
}

static void line_info(slog *l)
{
  slog_str(l, "info msg ");
  slog_u(l, 123);
  slog_str(l, ": bytes 5 from ");
  slog_addr(l, "al ice<x>@ex\\ample.com\r\n");
  slog_str(l, " text ");
  slog_text(l, "550 no\r\nInjected: yes\tok \\ \x7f caf\xc3\xa9");
}

static void escapes(void **state)
{
  size_t n = capture(line_info);
  assert_string_equal(out, "info msg 123: bytes 5 from <al\\x20ice\\x3cx\\x3e@ex\\x5cample.com\\x0d\\x0a>"
                           " text 550 no\\x0d\\x0aInjected: yes\\x09ok \\x5c \\x7f caf\xc3\xa9\n");
  assert_null(memchr(out, '\r', n));
  assert_ptr_equal(memchr(out, '\n', n), out + n - 1);
}

static void line_long(slog *l)
{
  char big[3 * SLOG_LINE_MAX];
  memset(big, '\n', sizeof big - 1);
  big[sizeof big - 1] = 0;
  slog_str(l, "delivery 1: failure: ");
  slog_text(l, big);
}

static void cut(void **state)
{
  size_t n = capture(line_long);
  assert_true(n <= SLOG_LINE_MAX + 4);
  assert_memory_equal(out + n - 4, "...\n", 4);
  assert_ptr_equal(memchr(out, '\n', n), out + n - 1);
  /* no escape cut in half */
  assert_memory_equal(out + n - 8, "\\x0a...", 7);
}

static void line_empty_addr(slog *l)
{
  slog_str(l, "from ");
  slog_addr(l, "");
}

static void null_sender(void **state)
{
  capture(line_empty_addr);
  assert_string_equal(out, "from <>\n");
}

static void unable(void **state)
{
  (void)state;
  int p[2];
  assert_int_equal(pipe(p), 0);
  slog_unable(p[1], "write ", "queue/delay/3/12", ENOSPC);
  slog_unable(p[1], "parse ", "queue/info/3/12", EPROTO);
  close(p[1]);
  ssize_t n = read(p[0], out, sizeof out - 1);
  close(p[0]);
  assert_true(n > 0);
  out[n] = 0;
  assert_string_equal(out, "posta-send: warning: unable to write queue/delay/3/12: No space left on device\n"
                           "posta-send: warning: unable to parse queue/info/3/12: malformed record\n");
}

static void line_msg(slog *l)
{
  slog_msg(l, l->fd, "end", 8301);
}

/* the event about a message: "HEAD msg ID" */
static void msg_event(void **state)
{
  capture(line_msg);
  assert_string_equal(out, "end msg 8301\n");
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(escapes),
    cmocka_unit_test(cut),
    cmocka_unit_test(null_sender),
    cmocka_unit_test(unable),
    cmocka_unit_test(msg_event),
)
