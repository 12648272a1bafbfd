/* Unit tests for src/posta-smtpd/smtpd_cmd.c and the session around it:
 * whole sessions (smtpd_harness.h), command parsing, sequence, MAIL and
 * RCPT checks, relay tricks, limits. DATA is in test_smtpd_datacmd.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "smtpd_harness.h"
#include "unit.h"

static void basics(void **state)
{
  session("EHLO client.test\r\nnoop\r\nhElO x\r\nVRFY alice\r\nHELP\r\nEXPN list\r\nXYZZY\r\n\r\nRSET\r\nRSET x\r\nQUIT\r\nNOOP\r\n");
  expect("220 mx.example.org ESMTP");
  expect("250-mx.example.org");
  expect("250-PIPELINING");
  expect("250-8BITMIME");
  expect("250-SIZE 10000");
  expect("250-ENHANCEDSTATUSCODES");
  expect("250 SMTPUTF8");
  expect("250 2.0.0");
  expect("250 mx.example.org");
  expect("252 2.5.0");
  expect("214-2.0.0");
  expect("214 2.0.0");
  expect("502 5.5.1");
  expect("500 5.5.1");
  expect("500 5.5.1");
  expect("250 2.0.0");
  expect("501 5.5.4");
  expect("221 2.0.0");
  expect_end();
  session("EHLO\r\nHELO\r\n");
  expect("220 ");
  expect("501 5.5.4");
  expect("501 5.5.4");
  expect_end();
}

static void sequence(void **state)
{
  session("MAIL FROM:<a@b.test>\r\nHELO c\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n"
          "MAIL FROM:<a@b.test>\r\nMAIL FROM:<a@b.test>\r\nDATA\r\nRCPT TO:<nobody@example.org>\r\nDATA\r\n"
          "RSET\r\nRCPT TO:<alice@example.org>\r\nDATA x\r\nQUIT\r\n");
  expect("220 ");
  expect("503 5.5.1");
  expect("250 ");
  expect("503 5.5.1");
  expect("503 5.5.1");
  expect("250 2.1.0");
  expect("503 5.5.1");
  expect("554 5.5.1");
  expect("550 5.1.1");
  expect("554 5.5.1");
  expect("250 2.0.0");
  expect("503 5.5.1");
  expect("501 5.5.4");
  expect("221 ");
  expect_end();
}

static void mail(void **state)
{
  session("EHLO c\r\n"
          "MAIL FROM: <a@b.test>\r\nRSET\r\n"
          "MAIL FROM:a@b.test\r\n"
          "MAIL TO:<a@b.test>\r\n"
          "MAIL FROM:<a@b.test> SIZE=10000\r\nRSET\r\n"
          "MAIL FROM:<a@b.test> SIZE=10001\r\n"
          "MAIL FROM:<a@b.test> SIZE=18446744073709551616\r\n"
          "MAIL FROM:<a@b.test> FOO=BAR\r\n"
          "MAIL FROM:<a@b.test> BODY=9BIT\r\n"
          "MAIL FROM:<Spammer@BAD.test>\r\n"
          "MAIL FROM:<anyone@Evil.Test>\r\n"
          "MAIL FROM:<\xc3\xa9@b.test>\r\n"
          "MAIL FROM:<\xc3\xa9@b.test> SMTPUTF8\r\nRSET\r\n"
          "MAIL FROM:<nodomain>\r\n"
          "MAIL FROM:<a@b@c.test>\r\n"
          "MAIL FROM:<>\r\nQUIT\r\n");
  expect("220 ");
  expect("250-");
  for (int i = 0; i < 5; i++) expect("250");
  expect("250 2.1.0");
  expect("250 2.0.0");
  expect("501 5.1.7");
  expect("501 5.5.4");
  expect("250 2.1.0");
  expect("250 2.0.0");
  expect("552 5.3.4");
  expect("552 5.3.4");
  expect("555 5.5.4");
  expect("501 5.5.4");
  expect("553 5.7.1");
  expect("553 5.7.1");
  expect("553 5.6.7");
  expect("250 2.1.0");
  expect("250 2.0.0");
  expect("553 5.1.7");
  expect("501 5.1.7");
  expect("250 2.1.0");
  expect("221 ");
  expect_end();
}

static void rcpt(void **state)
{
  session("HELO c\r\nMAIL FROM:<a@b.test>\r\n"
          "RCPT TO:<alice@example.org>\r\n"
          "RCPT TO:<ALICE@MX.EXAMPLE.ORG>\r\n"
          "RCPT TO:<nobody@example.org>\r\n"
          "RCPT TO:<tempfail@example.org>\r\n"
          "RCPT TO:<carol@virt.test>\r\n"
          "RCPT TO:<dave@virt.test>\r\n"
          "RCPT TO:<someone@far.away>\r\n"
          "RCPT TO:<someone@sub.relay.test>\r\n"
          "RCPT TO:<someone@relay.test>\r\n"
          "RCPT TO:<postmaster>\r\n"
          "RCPT TO:<PostMaster@example.org>\r\n"
          "RCPT TO:<alice>\r\n"
          "RCPT TO:<>\r\n"
          "RCPT TO:<\xc3\xa9@example.org>\r\n"
          "RCPT TO:<alice@example.org> NOTIFY=NEVER\r\n"
          "RCPT TO:<alice@example.org> SIZE=1\r\n"
          "QUIT\r\n");
  expect("220 ");
  expect("250 ");
  expect("250 2.1.0");
  expect("250 2.1.5");
  expect("250 2.1.5");
  expect("550 5.1.1");
  expect("451 4.3.0");
  expect("250 2.1.5");
  expect("550 5.1.1");
  expect("553 5.7.1");
  expect("250 2.1.5");
  expect("553 5.7.1");
  expect("250 2.1.5");
  expect("250 2.1.5");
  expect("553 5.1.3");
  expect("501 5.1.3");
  expect("553 5.6.7");
  expect("250 2.1.5");
  expect("555 5.5.4");
  expect("221 ");
  expect_end();
}

/* Every relay-trick form from a client without RELAYCLIENT. */
static void relay_tricks(void **state)
{
  session("HELO c\r\nMAIL FROM:<a@b.test>\r\n"
          "RCPT TO:<user%far.away@backup.test>\r\n"      /* percent hack via a relayed domain */
          "RCPT TO:<far.away!user@backup.test>\r\n"      /* bang path */
          "RCPT TO:<\"user@far.away\"@backup.test>\r\n"  /* quoted @ */
          "RCPT TO:<\"user%far.away\"@backup.test>\r\n"  /* quoted % */
          "RCPT TO:<user@far.away@example.org>\r\n"      /* two @ */
          "RCPT TO:<@example.org:user@far.away>\r\n"     /* source route to a remote mailbox */
          "RCPT TO:<user%far.away@example.org>\r\n"      /* local domain, no such mailbox */
          "RCPT TO:<user%remote.test@example.org>\r\n"   /* local domain, the mailbox exists */
          "RCPT TO:<x!y@example.org>\r\n"                /* the same for a bang */
          "RCPT TO:<@far.away:alice@example.org>\r\n"    /* route dropped, local mailbox */
          "RCPT TO:<user@far.away>\r\n"
          "QUIT\r\n");
  expect("220 ");
  expect("250 ");
  expect("250 2.1.0");
  expect("553 5.7.1");
  expect("553 5.7.1");
  expect("553 5.7.1");
  expect("553 5.7.1");
  expect("501 5.1.3");
  expect("553 5.7.1");
  expect("550 5.1.1");
  expect("250 2.1.5");
  expect("250 2.1.5");
  expect("250 2.1.5");
  expect("553 5.7.1");
  expect("221 ");
  expect_end();
}

static void relayclient(void **state)
{
  setenv("RELAYCLIENT", "", 1);
  session("HELO c\r\nMAIL FROM:<a@b.test>\r\n"
          "RCPT TO:<someone@far.away>\r\n"
          "RCPT TO:<user%far.away@backup.test>\r\n"
          "RCPT TO:<nobody@example.org>\r\n"
          "QUIT\r\n");
  expect("220 ");
  expect("250 ");
  expect("250 2.1.0");
  expect("250 2.1.5");
  expect("553 5.7.1");
  expect("550 5.1.1");
  expect("221 ");
  expect_end();
  /* the value is appended (qmail's meaning) */
  setenv("RELAYCLIENT", ".far.away", 1);
  dialog("HELO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<someone@host>\r\nDATA\r\n", "x\r\n.\r\nQUIT\r\n");
  expect("220 ");
  expect("250 ");
  expect("250 2.1.0");
  expect("250 2.1.5");
  expect("354 ");
  expect("250 2.0.0 ok ");
  size_t len;
  char *env = slurp("fq/env", &len);
  assert_int_equal(len, 34);
  assert_memory_equal(env, "Fa@b.test\0Tsomeone@host.far.away\0\0", 34);
  unsetenv("RELAYCLIENT");
  expect("221 ");
  expect_end();
}

static void maxrcpt(void **state)
{
  static char in[20000];
  size_t n = (size_t)sprintf(in, "HELO c\r\nMAIL FROM:<a@b.test>\r\n");
  for (int i = 0; i < 101; i++) n += (size_t)sprintf(in + n, "RCPT TO:<alice@example.org>\r\n");
  sprintf(in + n, "QUIT\r\n");
  session(in);
  expect("220 ");
  expect("250 ");
  expect("250 2.1.0");
  for (int i = 0; i < 100; i++) expect("250 2.1.5");
  expect("452 4.5.3");
  expect("221 ");
  expect_end();
}

static void limits(void **state)
{
  static char in[200000];
  size_t n = 0;
  /* 19 errors are answered, the 20th closes */
  for (int i = 0; i < 25; i++) n += (size_t)sprintf(in + n, "BOGUS\r\n");
  session(in);
  expect("220 ");
  for (int i = 0; i < 19; i++) expect("500 5.5.1");
  expect("421 4.7.0");
  expect_end();
  /* a NUL, then a line too long: answered, the session goes on */
  session_n("NO\0OP\r\nQUIT\r\n", 13);
  expect("220 ");
  expect("501 5.5.2");
  expect("221 ");
  expect_end();
  memset(in, 'x', 100000);
  memcpy(in + 100000, "\r\nNOOP\r\n", 9);
  session(in);
  expect("220 ");
  expect("500 5.5.2");
  expect("250 2.0.0");
  expect_end();
  /* recipients refused for good: maxbadrcpt (10) of them, then the next
   * RCPT ends the session */
  n = (size_t)sprintf(in, "HELO c\r\nMAIL FROM:<a@b.test>\r\n");
  for (int i = 0; i < 150; i++) n += (size_t)sprintf(in + n, "RCPT TO:<x@far.away>\r\n");
  session(in);
  expect("220 ");
  expect("250 ");
  expect("250 ");
  for (int i = 0; i < 10; i++) expect("553 5.7.1");
  expect("421 4.7.0");
  expect_end();
  /* temporary refusals: at most maxrcpt of them */
  n = (size_t)sprintf(in, "HELO c\r\nMAIL FROM:<a@b.test>\r\n");
  for (int i = 0; i < 150; i++) n += (size_t)sprintf(in + n, "RCPT TO:<tempfail@example.org>\r\n");
  session(in);
  expect("220 ");
  expect("250 ");
  expect("250 ");
  for (int i = 0; i < 99; i++) expect("451 4.3.0");
  expect("421 4.7.0");
  expect_end();
}

static void maxbadrcpt(void **state)
{
  /* a few typos among good recipients, across transactions: the session
   * goes on, and the message is queued */
  dialog("HELO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<nobody@example.org>\r\nRCPT TO:<x@far.away>\r\n"
         "RSET\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<alcie@example.org>\r\nRCPT TO:<alice@example.org>\r\n"
         "DATA\r\n", "Subject: x\r\n\r\nx\r\n.\r\nQUIT\r\n");
  assert_true(queued());
  assert_non_null(strstr(out, "\r\n550 5.1.1 no mailbox here by that name\r\n553 5.7.1 relaying denied"));
  assert_non_null(strstr(out, "\r\n250 2.0.0 ok"));
  /* control/maxbadrcpt: 0 no limit but maxrcpt's (100 here) */
  write_file("control/maxbadrcpt", "0\n");
  char in[8192];
  size_t n = (size_t)sprintf(in, "HELO c\r\nMAIL FROM:<a@b.test>\r\n");
  for (int i = 0; i < 120; i++) n += (size_t)sprintf(in + n, "RCPT TO:<nobody@example.org>\r\n");
  session(in);
  expect("220 ");
  expect("250 ");
  expect("250 ");
  for (int i = 0; i < 99; i++) expect("550 5.1.1");
  expect("421 4.7.0");
  expect_end();
  /* 2: the third bad recipient ends it; a bad one is refused for good only */
  write_file("control/maxbadrcpt", "2\n");
  session("HELO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<nobody@example.org>\r\nRCPT TO:<tempfail@example.org>\r\n"
          "RCPT TO:<alice@example.org>\r\nRCPT TO:<nobody@example.org>\r\nRCPT TO:<alice@example.org>\r\n");
  expect("220 ");
  expect("250 ");
  expect("250 ");
  expect("550 5.1.1");
  expect("451 4.3.0");
  expect("250 2.1.5");
  expect("550 5.1.1");
  expect("421 4.7.0");
  expect_end();
  unlink("control/maxbadrcpt");
}

static void badrcptdelay(void **state)
{
  /* 1 second more for each bad recipient after the third: 1 + 2 */
  struct timespec t0, t1;
  write_file("control/badrcptdelay", "1\n");
  clock_gettime(CLOCK_MONOTONIC, &t0);
  session("HELO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<n1@example.org>\r\nRCPT TO:<n2@example.org>\r\n"
          "RCPT TO:<n3@example.org>\r\nRCPT TO:<n4@example.org>\r\nRCPT TO:<n5@example.org>\r\nQUIT\r\n");
  clock_gettime(CLOCK_MONOTONIC, &t1);
  write_file("control/badrcptdelay", "0\n");
  for (int i = 0; i < 3; i++) expect(i ? "250 " : "220 ");
  for (int i = 0; i < 5; i++) expect("550 5.1.1");
  expect("221 ");
  /* a lower bound only: a loaded machine may take longer */
  assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 2900);
}

static void bare_lf(void **state)
{
  session("HELO c\r\nNOOP\nQUIT\r\n");
  expect("220 ");
  expect("250 ");
  expect("421 4.5.2");
  expect_end();
  session("HELO c\r\nMAIL FROM:<a@b.test>\rRCPT TO:<alice@example.org>\r\n");
  expect("220 ");
  expect("250 ");
  expect("421 4.5.2");
  expect_end();
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(basics),
    cmocka_unit_test(sequence),
    cmocka_unit_test(mail),
    cmocka_unit_test(rcpt),
    cmocka_unit_test(relay_tricks),
    cmocka_unit_test(relayclient),
    cmocka_unit_test(maxrcpt),
    cmocka_unit_test(limits),
    cmocka_unit_test(maxbadrcpt),
    cmocka_unit_test(badrcptdelay),
    cmocka_unit_test(bare_lf),
)
