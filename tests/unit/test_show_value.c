/* Unit tests for src/posta-showctl/show_value.c (with show_text.c): each
 * kind of setting read the way the programs read it, its source named,
 * its default shown when the file is missing, and nothing from a file able
 * to break a line or a column. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsfix.h"
#include "posta-showctl/showctl.h"
#include "unit.h"

static char home[64];

static int setup(void **state)
{
  (void)state;
  strcpy(home, "/tmp/posta-test-showctl-XXXXXX");
  if (fsfix_enter(home) < 0) return -1;
  return mkdir("control", 0755);
}

static int teardown(void **state)
{
  (void)state;
  return fsfix_remove(home);
}

/* The line of one setting, without its newline. */
static char const *shown(char const *name, int *status)
{
  static char buf[4096];
  stralloc out = STRALLOC_ZERO;
  int r = showctl_entry(&out, ctlreg_find(name), "mx.example", 0);
  assert_true(r >= 0);
  if (status) *status = r;
  assert_true(out.len > 0 && out.len < sizeof buf);
  assert_int_equal(out.s[out.len - 1], '\n');
  assert_null(memchr(out.s, '\n', out.len - 1));
  memcpy(buf, out.s, out.len - 1);
  buf[out.len - 1] = 0;
  stralloc_free(&out);
  return buf;
}

/* A line split the way a script splits it: NAME, SOURCE, VALUE. */
static void fields(char const *line, char *name, char *source, char const **value)
{
  int n = 0;
  assert_true(sscanf(line, "%63s %127s %n", name, source, &n) >= 2);
  *value = n ? line + n : "";
}

static void check(char const *name, char const *source, char const *value, int status)
{
  char n[64], s[128];
  char const *v;
  int st;
  fields(shown(name, &st), n, s, &v);
  assert_string_equal(n, name);
  assert_string_equal(s, source);
  assert_string_equal(v, value);
  assert_int_equal(st, status);
}

static void defaults(void **state)
{
  (void)state;
  check("concurrencyremote", "default", "20", SHOWCTL_OK);
  check("bouncefrom", "default", "MAILER-DAEMON", SHOWCTL_OK);
  /* control/me's value where the default is me */
  check("helohost", "default", "mx.example", SHOWCTL_OK);
  check("locals", "default", "mx.example", SHOWCTL_OK);
  check("retryschedule", "default", "60 300 600 1200 1800 3600", SHOWCTL_OK);
  /* nothing: the feature is off */
  check("smtproutes", "default", "", SHOWCTL_OK);
  check("morercpthosts.cdb", "default", "", SHOWCTL_OK);
}

static void files(void **state)
{
  (void)state;
  write_file("control/concurrencyremote", "50 \n");
  check("concurrencyremote", "control/concurrencyremote", "50", SHOWCTL_OK);
  /* empty: the programs take the default */
  write_file("control/databytes", "");
  check("databytes", "default", "0", SHOWCTL_OK);
  write_file("control/maxrcpt", "ten\n");
  check("maxrcpt", "control/maxrcpt", "invalid, not a number: ten", SHOWCTL_INVALID);
  write_file("control/smtpgreeting", "mail.example ESMTP  ready\nsecond line\n");
  check("smtpgreeting", "control/smtpgreeting", "mail.example ESMTP  ready", SHOWCTL_OK);
  /* a list: comments and empty lines skipped, one space between items */
  write_file("control/rcpthosts", "# mine\na.example\n\n  b.example  \n");
  check("rcpthosts", "control/rcpthosts", "a.example b.example", SHOWCTL_OK);
  /* an empty list is not the default */
  write_file("control/locals", "# none\n");
  check("locals", "control/locals", "", SHOWCTL_OK);
}

static void hostile_bytes(void **state)
{
  (void)state;
  /* a tab, a backslash, a DEL and a space inside an item: never a new column */
  write_file("control/badmailfrom", "a\tb@x\n\\evil\x7f\nsp ace@x\n");
  check("badmailfrom", "control/badmailfrom", "a\\x09b@x \\x5cevil\\x7f sp\\x20ace@x", SHOWCTL_OK);
  /* a line value keeps its inner spaces but not a leading one, nor CR */
  write_file("control/bouncefrom", " bounce\rs\n");
  check("bouncefrom", "control/bouncefrom", "\\x20bounce\\x0ds", SHOWCTL_OK);
}

static void cdb_freshness(void **state)
{
  (void)state;
  struct timespec t[2] = { { 1000, 0 }, { 1000, 0 } };
  write_file("control/tcp.smtp", ":allow\n");
  write_file("control/tcp.smtp.cdb", "0123456789");
  assert_int_equal(utimensat(AT_FDCWD, "control/tcp.smtp.cdb", t, 0), 0);
  check("tcp.smtp.cdb", "control/tcp.smtp.cdb",
        "10 bytes, older than control/tcp.smtp: rebuilt when its service starts", SHOWCTL_OK);
  check("tcp.smtp", "control/tcp.smtp", ":allow", SHOWCTL_OK);
}

static void explained(void **state)
{
  (void)state;
  stralloc out = STRALLOC_ZERO;
  assert_int_equal(showctl_entry(&out, ctlreg_find("concurrencydomain"), "h", 1), SHOWCTL_OK);
  assert_non_null(stralloc_0(&out) ? strstr(out.s, "\n    # remote deliveries at once to one domain; default: 10; used by: posta-send\n") : 0);
  stralloc_free(&out);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test_setup_teardown(defaults, setup, teardown),
    cmocka_unit_test_setup_teardown(files, setup, teardown),
    cmocka_unit_test_setup_teardown(hostile_bytes, setup, teardown),
    cmocka_unit_test_setup_teardown(cdb_freshness, setup, teardown),
    cmocka_unit_test_setup_teardown(explained, setup, teardown),
)
