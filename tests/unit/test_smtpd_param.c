/* Unit tests for src/posta-smtpd/smtpd_param.c: MAIL and RCPT parameters,
 * and SIZE's overflow-safe arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "posta-smtpd/smtpd_param.h"
#include "unit.h"

static int parse(char const *s, unsigned which, smtpd_params *p)
{
  return smtpd_param_parse(s, strlen(s), which, p);
}

static void size_arithmetic(void **state)
{
  uint64_t v = 7;
  assert_int_equal(smtpd_param_size("0", 1, &v), 1);
  assert_int_equal(v, 0);
  assert_int_equal(smtpd_param_size("18446744073709551615", 20, &v), 1);
  assert_true(v == UINT64_MAX);
  v = 7;
  assert_int_equal(smtpd_param_size("18446744073709551616", 20, &v), 0);
  assert_int_equal(v, 7);
  assert_int_equal(smtpd_param_size("99999999999999999999", 20, &v), 0);
  assert_int_equal(smtpd_param_size("184467440737095516150", 21, &v), 0);
  char many[300];
  memset(many, '9', sizeof many);
  assert_int_equal(smtpd_param_size(many, sizeof many, &v), 0);
  memset(many, '0', sizeof many);
  many[sizeof many - 1] = '5';
  assert_int_equal(smtpd_param_size(many, sizeof many, &v), 1);
  assert_int_equal(v, 5);
  assert_int_equal(smtpd_param_size("", 0, &v), -1);
  assert_int_equal(smtpd_param_size("12a", 3, &v), -1);
  assert_int_equal(smtpd_param_size("-1", 2, &v), -1);
  assert_int_equal(smtpd_param_size("99999999999999999999x", 21, &v), -1);
}

static void mail(void **state)
{
  smtpd_params p;
  assert_int_equal(parse("", PARAM_MAIL, &p), PARAM_OK);
  assert_int_equal(p.flags, 0);
  assert_int_equal(parse(" SIZE=1000 BODY=8BITMIME SMTPUTF8", PARAM_MAIL, &p), PARAM_OK);
  assert_int_equal(p.flags, PARAM_F_SIZE | PARAM_F_8BIT | PARAM_F_UTF8);
  assert_int_equal(p.size, 1000);
  assert_int_equal(parse(" size=5 body=7bit smtputf8  ", PARAM_MAIL, &p), PARAM_OK);
  assert_int_equal(p.flags, PARAM_F_SIZE | PARAM_F_7BIT | PARAM_F_UTF8);
  assert_int_equal(parse(" SIZE=18446744073709551616", PARAM_MAIL, &p), PARAM_OK);
  assert_int_equal(p.flags, PARAM_F_HUGE);
  /* taken and ignored */
  assert_int_equal(parse(" AUTH=<> RET=HDRS ENVID=abc+2B", PARAM_MAIL, &p), PARAM_OK);
  assert_int_equal(p.flags, 0);
}

static void errors(void **state)
{
  smtpd_params p;
  assert_int_equal(parse(" FOO=bar", PARAM_MAIL, &p), PARAM_EUNKNOWN);
  assert_int_equal(parse(" XFORWARD", PARAM_MAIL, &p), PARAM_EUNKNOWN);
  assert_int_equal(parse(" NOTIFY=NEVER", PARAM_MAIL, &p), PARAM_EUNKNOWN);
  assert_int_equal(parse(" SIZE=10", PARAM_RCPT, &p), PARAM_EUNKNOWN);
  assert_int_equal(parse(" SIZE=", PARAM_MAIL, &p), PARAM_EVALUE);
  assert_int_equal(parse(" SIZE", PARAM_MAIL, &p), PARAM_EVALUE);
  assert_int_equal(parse(" SIZE=1x", PARAM_MAIL, &p), PARAM_EVALUE);
  assert_int_equal(parse(" SIZE=1 SIZE=2", PARAM_MAIL, &p), PARAM_EVALUE);
  assert_int_equal(parse(" BODY=BINARYMIME", PARAM_MAIL, &p), PARAM_EVALUE);
  assert_int_equal(parse(" BODY=7BIT BODY=8BITMIME", PARAM_MAIL, &p), PARAM_EVALUE);
  assert_int_equal(parse(" SMTPUTF8=yes", PARAM_MAIL, &p), PARAM_EVALUE);
  assert_int_equal(parse(" SMTPUTF8 SMTPUTF8", PARAM_MAIL, &p), PARAM_EVALUE);
  assert_int_equal(parse(" AUTH=", PARAM_MAIL, &p), PARAM_EVALUE);
  /* syntax: no space before, bad keyword or value characters */
  assert_int_equal(parse("SIZE=1", PARAM_MAIL, &p), PARAM_ESYNTAX);
  assert_int_equal(parse(" -SIZE=1", PARAM_MAIL, &p), PARAM_ESYNTAX);
  assert_int_equal(parse(" SI_ZE=1", PARAM_MAIL, &p), PARAM_ESYNTAX);
  assert_int_equal(parse(" SIZE=1=2", PARAM_MAIL, &p), PARAM_ESYNTAX);
  assert_int_equal(parse(" ENVID=a\tb", PARAM_MAIL, &p), PARAM_ESYNTAX);
  assert_int_equal(parse(" ENVID=a\x01", PARAM_MAIL, &p), PARAM_ESYNTAX);
}

static void rcpt(void **state)
{
  smtpd_params p;
  assert_int_equal(parse(" NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a@b.c", PARAM_RCPT, &p), PARAM_OK);
  assert_int_equal(p.flags, 0);
  assert_int_equal(parse(" BODY=8BITMIME", PARAM_RCPT, &p), PARAM_EUNKNOWN);
  assert_int_equal(parse(" NOTIFY", PARAM_RCPT, &p), PARAM_EVALUE);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(size_arithmetic),
    cmocka_unit_test(mail),
    cmocka_unit_test(errors),
    cmocka_unit_test(rcpt),
)
