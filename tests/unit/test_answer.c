/* Unit tests for src/posta-lspawn/answer.c: posta-local's exit and text
 * turned into RESULT lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "posta-lspawn/answer.h"
#include "unit.h"

#define EXITED(n) ((n) << 8)

/* Builds an answer and checks slot and line. */
static void expect(int wstatus, char const *text, char const *line)
{
  char out[ANSWER_MAX];
  size_t n = answer_build(out, 4, wstatus, text, strlen(text));
  assert_string_equal(out, "4");
  assert_string_equal(out + 2, line);
  assert_int_equal(n, 2 + strlen(line) + 1);
}

static void codes(void **state)
{
  expect(EXITED(0), "delivered: 1 maildir\n", "K2.0.0 - delivered: 1 maildir");
  expect(EXITED(99), "delivered\n", "K2.0.0 - delivered");
  expect(EXITED(100), "Sorry, no mailbox here by that name. (#5.1.1)\n",
         "D5.1.1 - Sorry, no mailbox here by that name. (#5.1.1)");
  expect(EXITED(111), "unable to write x: Disk quota exceeded (#4.2.2)\n",
         "Z4.2.2 - unable to write x: Disk quota exceeded (#4.2.2)");
  /* a status of the wrong class is not believed */
  expect(EXITED(100), "odd (#4.2.2)", "D5.3.0 - odd (#4.2.2)");
  expect(EXITED(111), "", "Z4.3.0 - ");
  expect(EXITED(3), "huh", "Z4.3.0 - posta-local exited 3: huh");
  expect(SIGKILL, "", "Z4.3.0 - posta-local killed by signal 9:");
  expect(EXITED(100), "bad (#5.1)", "D5.3.0 - bad (#5.1)");
  expect(EXITED(100), "bad (#5.1.1.1)", "D5.3.0 - bad (#5.1.1.1)");
}

static void text_is_clean(void **state)
{
  char out[ANSWER_MAX];
  char text[3000];
  expect(EXITED(100), "line one\r\nline\ttwo\0three (#5.1.1)", "D5.3.0 - line one line two");
  memset(text, 'x', sizeof text);
  size_t n = answer_build(out, 12, EXITED(0), text, sizeof text);
  assert_string_equal(out, "12");
  assert_int_equal(strlen(out + 3), n - 4);
  assert_true(strlen(out + 3) <= 9 + ANSWER_TEXT_MAX);
  n = answer_fail(out, 1, 'Z', "4.3.0", "slot\nbusy");
  assert_string_equal(out + 2, "Z4.3.0 - slot busy");
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(codes),
    cmocka_unit_test(text_is_clean),
)
