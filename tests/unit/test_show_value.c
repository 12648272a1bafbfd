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

/* The lines of one setting (a list has one per item), without the last
 * newline. */
static char const *shown_lines(char const *name, int *status)
{
  static char buf[4096];
  stralloc out = STRALLOC_ZERO;
  int r = showctl_entry(&out, ctlreg_find(name), "mx.example", 0);
  assert_true(r >= 0);
  if (status) *status = r;
  assert_true(out.len > 0 && out.len < sizeof buf);
  assert_int_equal(out.s[out.len - 1], '\n');
  memcpy(buf, out.s, out.len - 1);
  buf[out.len - 1] = 0;
  stralloc_free(&out);
  return buf;
}

/* The line of one setting of a single line. */
static char const *shown(char const *name, int *status)
{
  char const *s = shown_lines(name, status);
  assert_null(strchr(s, '\n'));
  return s;
}

/* A line split the way a script splits it: NAME, SOURCE, VALUE. */
static void fields(char const *line, char *name, char *source, char const **value)
{
  int n = 0;
  assert_true(sscanf(line, "%63s %127s %n", name, source, &n) >= 2);
  *value = n ? line + n : "";
}

/* A list: every line NAME SOURCE ITEM, the items '|' apart in values. */
static void check_list(char const *name, char const *source, char const *values, int status)
{
  char n[64], s[128], got[2048] = "";
  int st;
  char const *p = shown_lines(name, &st);
  while (*p) {
    char line[512];
    char const *v;
    size_t k = strcspn(p, "\n");
    assert_true(k < sizeof line);
    memcpy(line, p, k);
    line[k] = 0;
    fields(line, n, s, &v);
    assert_string_equal(n, name);
    assert_string_equal(s, source);
    if (got[0]) strcat(got, "|");
    strcat(got, v);
    p += k + (p[k] == '\n');
  }
  assert_string_equal(got, values);
  assert_int_equal(st, status);
}

/* control/NAME written with content, then shown as the list values. */
static void file_list(char const *name, char const *content, char const *values, int status)
{
  char fn[128];
  snprintf(fn, sizeof fn, "control/%s", name);
  write_file(fn, content);
  check_list(name, fn, values, status);
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
  check_list("retryschedule", "default", "60|300|600|1200|1800|3600", SHOWCTL_OK);
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
  /* a list: comments and empty lines skipped, one item a line */
  file_list("rcpthosts", "# mine\na.example\n\n  b.example  \n", "a.example|b.example", SHOWCTL_OK);
  /* an empty list is not the default */
  write_file("control/locals", "# none\n");
  check("locals", "control/locals", "", SHOWCTL_OK);
}

static void hostile_bytes(void **state)
{
  (void)state;
  /* a tab, a backslash, a DEL and a space inside an item: never a new column */
  file_list("badmailfrom", "a\tb@x\n\\evil\x7f\nsp ace@x\n", "a\\x09b@x|\\x5cevil\\x7f|sp ace@x", SHOWCTL_OK);
  /* a line value keeps its inner spaces but not a leading one, nor CR */
  write_file("control/bouncefrom", " bounce\rs\n");
  check("bouncefrom", "control/bouncefrom", "\\x20bounce\\x0ds", SHOWCTL_OK);
}

/* Each list setting whose reader checks its items, with what the reader
 * refuses: invalid, the item named, exit 100's status. */
static void checked_lists(void **state)
{
  (void)state;
  file_list("retryschedule", "10 20 30\n", "invalid: 10 20 30", SHOWCTL_INVALID);   /* issue 22: posta-send refuses it */
  file_list("retryschedule", "10\n20\n0\n", "10|20|invalid: 0", SHOWCTL_INVALID);
  file_list("retryschedule", "10\n604801\n", "10|invalid: 604801", SHOWCTL_INVALID);
  file_list("retryschedule", "# none\n", "invalid, no item", SHOWCTL_INVALID);
  file_list("retryschedule", "10\n20\n", "10|20", SHOWCTL_OK);
  file_list("smtproutes", "a.example:relay.example:2525\n:smarthost\nb.example:relay:99999\n",
            "a.example:relay.example:2525|:smarthost|invalid: b.example:relay:99999", SHOWCTL_INVALID);
  file_list("smtproutes", "nocolon\n", "invalid: nocolon", SHOWCTL_INVALID);
  file_list("tlsdestinations", "bank.example ca=/etc/ca.pem\nx.example colour=red\n",
            "bank.example ca=/etc/ca.pem|invalid: x.example colour=red", SHOWCTL_INVALID);
  file_list("moreipme", "192.0.2.1\n10.0.0.0/8\n2001:db8::/129\n", "192.0.2.1|10.0.0.0/8|invalid: 2001:db8::/129",
            SHOWCTL_INVALID);
  file_list("moreipme", "192.0.2.1\n", "192.0.2.1", SHOWCTL_OK);
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
    cmocka_unit_test_setup_teardown(checked_lists, setup, teardown),
    cmocka_unit_test_setup_teardown(cdb_freshness, setup, teardown),
    cmocka_unit_test_setup_teardown(explained, setup, teardown),
)
