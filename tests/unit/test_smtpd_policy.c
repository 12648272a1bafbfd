/* Unit tests for src/posta-smtpd/smtpd_policy.c: rcpthosts and
 * morercpthosts.cdb with qmail's ".suffix" rule, badmailfrom, and what a
 * missing, unreadable or oversized file means. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsfix.h"
#include <skalibs/cdbmake.h>

#include "posta-smtpd/smtpd_policy.h"
#include "unit.h"

static char dir[] = "/tmp/posta-test-smtpd-policy-XXXXXX";

static void make_cdb(char const *fn, char const *const *keys)
{
  cdbmaker c = CDBMAKER_ZERO;
  int fd = open(fn, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  assert_true(fd >= 0);
  assert_true(cdbmake_start(&c, fd));
  for (; *keys; keys++) assert_true(cdbmake_add(&c, *keys, (unsigned)strlen(*keys), "", 0));
  assert_true(cdbmake_finish(&c));
  close(fd);
}

static int setup(void **state) { return fsfix_enter_mkdir(dir, "control", 0755); }
static int teardown(void **state) { return fsfix_remove(dir); }

static void nothing(void **state)
{
  smtpd_policy p;
  unlink("control/rcpthosts");
  unlink("control/morercpthosts.cdb");
  unlink("control/badmailfrom");
  assert_int_equal(smtpd_policy_load(&p), 0);
  /* no rcpthosts: nothing is accepted (qmail would relay for everyone) */
  assert_int_equal(smtpd_policy_rcpthost(&p, "example.org"), 0);
  assert_int_equal(smtpd_policy_badmailfrom(&p, "a@b.c"), 0);
  smtpd_policy_free(&p);
}

static void rcpthosts(void **state)
{
  smtpd_policy p;
  write_file("control/rcpthosts", "Example.ORG\n# comment\n\n.Sub.Example.NET\n  spaced.test  \n");
  static char const *const keys[] = { "cdb.test", ".wild.test", 0 };
  make_cdb("control/morercpthosts.cdb", keys);
  assert_int_equal(smtpd_policy_load(&p), 0);
  assert_int_equal(smtpd_policy_rcpthost(&p, "example.org"), 1);
  assert_int_equal(smtpd_policy_rcpthost(&p, "EXAMPLE.org"), 1);
  assert_int_equal(smtpd_policy_rcpthost(&p, "spaced.test"), 1);
  /* example.org does not take its subdomains */
  assert_int_equal(smtpd_policy_rcpthost(&p, "www.example.org"), 0);
  /* ".sub.example.net" takes every subdomain, at any depth, not itself */
  assert_int_equal(smtpd_policy_rcpthost(&p, "a.sub.example.net"), 1);
  assert_int_equal(smtpd_policy_rcpthost(&p, "a.b.sub.example.net"), 1);
  assert_int_equal(smtpd_policy_rcpthost(&p, "sub.example.net"), 0);
  assert_int_equal(smtpd_policy_rcpthost(&p, "xsub.example.net"), 0);
  /* the same rules in the cdb, keys compared lower-cased */
  assert_int_equal(smtpd_policy_rcpthost(&p, "cdb.test"), 1);
  assert_int_equal(smtpd_policy_rcpthost(&p, "CDB.Test"), 1);
  assert_int_equal(smtpd_policy_rcpthost(&p, "x.cdb.test"), 0);
  assert_int_equal(smtpd_policy_rcpthost(&p, "x.wild.test"), 1);
  assert_int_equal(smtpd_policy_rcpthost(&p, "wild.test"), 0);
  assert_int_equal(smtpd_policy_rcpthost(&p, "other.test"), 0);
  assert_int_equal(smtpd_policy_rcpthost(&p, "org"), 0);
  assert_int_equal(smtpd_policy_rcpthost(&p, ""), 0);
  smtpd_policy_free(&p);
}

static void badmailfrom(void **state)
{
  smtpd_policy p;
  write_file("control/badmailfrom", "Spammer@Bad.Test\n@evil.test\n");
  assert_int_equal(smtpd_policy_load(&p), 0);
  assert_int_equal(smtpd_policy_badmailfrom(&p, "spammer@bad.test"), 1);
  assert_int_equal(smtpd_policy_badmailfrom(&p, "SPAMMER@BAD.TEST"), 1);
  assert_int_equal(smtpd_policy_badmailfrom(&p, "other@bad.test"), 0);
  assert_int_equal(smtpd_policy_badmailfrom(&p, "anyone@EVIL.test"), 1);
  assert_int_equal(smtpd_policy_badmailfrom(&p, "anyone@sub.evil.test"), 0);
  assert_int_equal(smtpd_policy_badmailfrom(&p, "evil.test"), 0);
  /* the last '@' splits: a quoted local part with '@' does not dodge it */
  assert_int_equal(smtpd_policy_badmailfrom(&p, "x@y@evil.test"), 1);
  smtpd_policy_free(&p);
}

static void broken_files(void **state)
{
  smtpd_policy p;
  /* a list bigger than the bound is an error, not a silent cut */
  FILE *f = fopen("control/rcpthosts", "w");
  assert_non_null(f);
  for (int i = 0; i < 100000; i++) fprintf(f, "domain%d.example\n", i);
  fclose(f);
  assert_int_equal(smtpd_policy_load(&p), -1);
  assert_int_equal(errno, EFBIG);
  write_file("control/rcpthosts", "ok.test\n");
  /* a cdb too short to be one: skalibs maps it; a lookup must be an error,
   * never "nothing listed", and never a read past its end */
  write_file("control/morercpthosts.cdb", "x");
  assert_int_equal(smtpd_policy_load(&p), 0);
  assert_int_equal(smtpd_policy_rcpthost(&p, "nothere.test"), -1);
  assert_int_equal(smtpd_policy_rcpthost(&p, "ok.test"), 1);
  smtpd_policy_free(&p);
  unlink("control/morercpthosts.cdb");
  if (!getuid()) return;   /* root reads everything: no EACCES to test */
  chmod("control/rcpthosts", 0);
  assert_int_equal(smtpd_policy_load(&p), -1);
  chmod("control/rcpthosts", 0644);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(nothing),
    cmocka_unit_test(rcpthosts),
    cmocka_unit_test(badmailfrom),
    cmocka_unit_test(broken_files),
)
