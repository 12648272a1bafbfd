/* Unit tests for src/posta-smtpd/smtpd_datacmd.c: DATA from 354 to the
 * final reply in whole sessions (smtpd_harness.h): the message as queued,
 * input sent before the 354, refused messages, bare CR and LF, and the
 * reply for each exit code of the injector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "smtpd_harness.h"
#include "unit.h"

#define ENVELOPE_HEAD "HELO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n"

static void expect_head(void)
{
  expect("220 ");
  expect("250 ");
  expect("250 2.1.0");
  expect("250 2.1.5");
  expect("354 ");
}

static void data(void **state)
{
  size_t len;
  dialog("EHLO client.test\r\nMAIL FROM:<a@b.test> BODY=8BITMIME\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n",
         "Subject: t\r\n\r\n..stuffed\r\n..\r\n\xc3\xa9t\xc3\xa9\r\nend\r\n.\r\nQUIT\r\n");
  expect("220 ");
  for (int i = 0; i < 6; i++) expect("250");
  expect("250 2.1.0");
  expect("250 2.1.5");
  expect("250 2.1.5");
  expect("354 ");
  expect("250 2.0.0 ok ");
  expect("221 ");
  expect_end();
  char *env = slurp("fq/env", &len);
  assert_int_equal(len, 47);
  assert_memory_equal(env, "Fa@b.test\0Talice@example.org\0Tbob@example.org\0\0", 47);
  char *msg = slurp("fq/msg", &len);
  char const *head = "Received: from client.test ([192.0.2.7])\n\tby mx.example.org with ESMTP; ";
  assert_memory_equal(msg, head, strlen(head));
  char const *body = "\nSubject: t\n\n.stuffed\n.\n\xc3\xa9t\xc3\xa9\nend\n";
  assert_non_null(strstr(msg, " +0000\n"));
  assert_string_equal(strstr(msg, " +0000\n") + 6, body);
  /* one recipient: "for", and the protocol follows SMTPUTF8 */
  dialog("EHLO c\r\nMAIL FROM:<\xc3\xa9@b.test> SMTPUTF8\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n", ".\r\n");
  msg = slurp("fq/msg", &len);
  assert_non_null(strstr(msg, " with UTF8SMTP\n\tfor <alice@example.org>; "));
  env = slurp("fq/env", &len);
  assert_memory_equal(env, "F\xc3\xa9@b.test\0", 11);
}

static void data_early(void **state)
{
  /* everything at once: the message is thrown away with the early input,
   * and the client leaves while the server waits for it */
  dialog(ENVELOPE_HEAD "Subject: x\r\n\r\nhi\r\n.\r\nQUIT\r\n", "");
  expect_head();
  expect_end();
  assert_false(queued());
  /* part of it early: refused once the rest has come */
  dialog(ENVELOPE_HEAD "Subject: x\r\n", "\r\nhi\r\n.\r\nQUIT\r\n");
  expect_head();
  expect("554 5.5.0");
  expect("221 ");
  expect_end();
  assert_false(queued());
}

static void data_refused(void **state)
{
  static char big[20000];
  static char const nulbody[] = "a\r\nb\0c\r\n.\r\nQUIT\r\n";
  struct { char const *body; char const *reply; } cases[] = {
    { 0, "552 5.3.4" },
    { 0, "554 5.6.0" },
    { nulbody, "554 5.6.0" },
    { 0, "554 5.4.6" },
  };
  memset(big, 'x', 10001);
  strcpy(big + 10001, "\r\n.\r\nQUIT\r\n");
  cases[0].body = big;
  for (size_t i = 0; i < 4; i++) {
    if (i == 1) { memset(big, 'y', 1500); strcpy(big + 1500, "\r\n.\r\nQUIT\r\n"); cases[1].body = big; }
    if (i == 3) {
      size_t n = 0;
      for (int k = 0; k < 101; k++) n += (size_t)sprintf(big + n, "Received: from h%d\r\n", k);
      strcpy(big + n, "\r\nbody\r\n.\r\nQUIT\r\n");
      cases[3].body = big;
    }
    /* case 2 holds a NUL: its length is given */
    dialog_n(ENVELOPE_HEAD, cases[i].body, i == 2 ? sizeof nulbody - 1 : strlen(cases[i].body));
    expect_head();
    expect(cases[i].reply);
    expect("221 ");
    expect_end();
    assert_false(queued());
  }
  /* 100 Received lines are fine */
  size_t n = 0;
  for (int k = 0; k < 100; k++) n += (size_t)sprintf(big + n, "Received: from h%d\r\n", k);
  strcpy(big + n, "\r\nbody\r\n.\r\nQUIT\r\n");
  dialog(ENVELOPE_HEAD, big);
  expect_head();
  expect("250 2.0.0");
  assert_true(queued());
}

static void data_bare(void **state)
{
  char const *forms[] = {
    "a\n.\nMAIL FROM:<x@y.test>\r\n", "a\r\n.\n", "a\n.\r\n", "a\r.\r\n", "a\r\n.\rRSET\r\n",
  };
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
    char in[200];
    snprintf(in, sizeof in, "%s\r\n.\r\nQUIT\r\n", forms[i]);
    dialog(ENVELOPE_HEAD, in);
    expect_head();
    expect("421 4.5.2");
    expect_end();
    assert_false(queued());
  }
}

static void injector(void **state)
{
  char const *q = getenv("QMAILQUEUE");
  char saved[300];
  snprintf(saved, sizeof saved, "%s", q);
  struct { char const *code; char const *reply; } cases[] = {
    { "11", "554 5.1.3" }, { "31", "554 5.3.0" }, { "20", "554 5.3.0" }, { "53", "451 4.3.0" },
    { "81", "451 4.3.0" }, { "91", "554 5.6.0" }, { "100", "451 4.3.0" }, { "0", "250 2.0.0" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    setenv("FAKEQ_EXIT", cases[i].code, 1);
    dialog(ENVELOPE_HEAD, "hi\r\n.\r\nQUIT\r\n");
    expect_head();
    expect(cases[i].reply);
    if (strcmp(cases[i].code, "0")) {
      char tail[32];
      snprintf(tail, sizeof tail, "(exit %s)\r\n", cases[i].code);
      assert_non_null(strstr(out, tail));
    }
    expect("221 ");
  }
  unsetenv("FAKEQ_EXIT");
  setenv("QMAILQUEUE", "/nonexistent/queue", 1);
  dialog(ENVELOPE_HEAD, "hi\r\n.\r\nQUIT\r\n");
  expect_head();
  expect("451 4.3.0 unable to run the queue (exit 120)");
  setenv("QMAILQUEUE", saved, 1);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(data),
    cmocka_unit_test(data_early),
    cmocka_unit_test(data_refused),
    cmocka_unit_test(data_bare),
    cmocka_unit_test(injector),
)
