/* Unit tests for src/posta-remote/smtpcmd.c: MAIL and RCPT lines, quoting,
 * and the refusal of addresses that would smuggle a command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "posta-remote/smtpcmd.h"
#include "unit.h"

static void plain(void **state)
{
  char line[SMTPCMD_LINE_MAX];
  assert_int_equal(smtpcmd_rcpt(line, sizeof line, "bob@example.net"), 27);
  assert_string_equal(line, "RCPT TO:<bob@example.net>\r\n");
  smtpcmd_mail(line, sizeof line, "", 0, 0);
  assert_string_equal(line, "MAIL FROM:<>\r\n");
  smtpcmd_mail(line, sizeof line, "a.b+c@x.test", 2048, 1);
  assert_string_equal(line, "MAIL FROM:<a.b+c@x.test> SIZE=2048 BODY=8BITMIME\r\n");
}

static void quoted_local_parts(void **state)
{
  char line[SMTPCMD_LINE_MAX];
  smtpcmd_rcpt(line, sizeof line, "john smith@example.net");
  assert_string_equal(line, "RCPT TO:<\"john smith\"@example.net>\r\n");
  smtpcmd_rcpt(line, sizeof line, "a\"b\\c@example.net");
  assert_string_equal(line, "RCPT TO:<\"a\\\"b\\\\c\"@example.net>\r\n");
  smtpcmd_rcpt(line, sizeof line, ".lead@example.net");
  assert_string_equal(line, "RCPT TO:<\".lead\"@example.net>\r\n");
  smtpcmd_rcpt(line, sizeof line, "two..dots@example.net");
  assert_string_equal(line, "RCPT TO:<\"two..dots\"@example.net>\r\n");
  smtpcmd_rcpt(line, sizeof line, "at@sign@example.net");
  assert_string_equal(line, "RCPT TO:<\"at@sign\"@example.net>\r\n");
}

static void injection_refused(void **state)
{
  char line[SMTPCMD_LINE_MAX];
  assert_int_equal(smtpcmd_rcpt(line, sizeof line, "a@b\r\nDATA"), 0);
  assert_int_equal(smtpcmd_rcpt(line, sizeof line, "a@b\nx"), 0);
  assert_int_equal(smtpcmd_mail(line, sizeof line, "a\r@b", 0, 0), 0);
  assert_int_equal(smtpcmd_rcpt(line, sizeof line, ""), 0);
  assert_false(smtpcmd_valid("tab\there@x"));
  char big[SMTPCMD_ADDR_MAX + 10];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = 0;
  assert_int_equal(smtpcmd_rcpt(line, sizeof line, big), 0);
}

static void domain_checked(void **state)
{
  char line[SMTPCMD_LINE_MAX];
  /* a space or '>' in the domain would end the path and add parameters */
  assert_int_equal(smtpcmd_rcpt(line, sizeof line, "a@b.test> NOTIFY=NEVER"), 0);
  assert_int_equal(smtpcmd_rcpt(line, sizeof line, "a@b.test>"), 0);
  assert_int_equal(smtpcmd_mail(line, sizeof line, "a@b.test RET=FULL", 0, 0), 0);
  assert_int_equal(smtpcmd_rcpt(line, sizeof line, "a@[127.0.0.1] X=Y]"), 0);
  assert_int_equal(smtpcmd_rcpt(line, sizeof line, "a@"), 0);
  assert_int_equal(smtpcmd_rcpt(line, sizeof line, "a@b..test"), 0);
  assert_non_null(smtpcmd_problem("a@b_c.test"));
  assert_string_equal(smtpcmd_problem("a@x y"), "its domain part is neither a domain name nor an address literal");
  /* still sent: literals, UTF-8 labels, a bare local part, the local part quoted */
  assert_null(smtpcmd_problem("a@[127.0.0.1]"));
  assert_null(smtpcmd_problem("a@[IPv6:::1]"));
  assert_null(smtpcmd_problem("a@b\xc3\xa9.test"));
  assert_null(smtpcmd_problem("postmaster"));
  assert_null(smtpcmd_problem(""));
  smtpcmd_rcpt(line, sizeof line, "a> NOTIFY=NEVER@b.test");
  assert_string_equal(line, "RCPT TO:<\"a> NOTIFY=NEVER\"@b.test>\r\n");
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(plain),
    cmocka_unit_test(quoted_local_parts),
    cmocka_unit_test(injection_refused),
    cmocka_unit_test(domain_checked),
)
