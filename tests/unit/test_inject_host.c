/* Unit tests for src/sk/inject_host.c: qmail's defaulthost, defaultdomain
 * and plusdomain rules, golden addresses; the hosts never qualified (the
 * instance's own domains, localhost, defaultdomain, anything when
 * defaultdomain has no dot); loading the settings from a control folder
 * and the environment. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sk/inject_addr.h"
#include "sk/inject_host.h"
#include "unit.h"

static inject_hosts const h = {
  .defaulthost = "mail", .defaultdomain = "example.com", .plusdomain = "plus.example.net",
  .idhost = "id.example.com",
};

static struct { char const *in, *out; } const golden[] = {
  { "bob", "bob@mail.example.com" },            /* defaulthost, itself without a dot */
  { "bob@", "bob@mail.example.com" },
  { "bob@host", "bob@host.example.com" },       /* defaultdomain */
  { "bob@host.example.org", "bob@host.example.org" },
  { "bob@host+", "bob@host.plus.example.net" }, /* plusdomain */
  { "bob@+", "bob@plus.example.net" },
  { "bob@[192.0.2.1]", "bob@[192.0.2.1]" },     /* a literal stays */
  { "a@b@c", "a@b@c.example.com" },             /* the host is after the last '@' */
  { "bob@localhost", "bob@localhost" },         /* never localhost.example.com */
  { "bob@LocalHost", "bob@LocalHost" },
  { "", "" },                                   /* the null address */
};

static void rules(void **state)
{
  for (size_t i = 0; i < sizeof golden / sizeof *golden; i++) {
    stralloc out = STRALLOC_ZERO;
    assert_int_equal(inject_host_fix(&h, golden[i].in, strlen(golden[i].in), &out), 0);
    if (out.len != strlen(golden[i].out) || (out.len && memcmp(out.s, golden[i].out, out.len)))
      fail_msg("%s: got %.*s", golden[i].in, (int)out.len, out.s);
    stralloc_free(&out);
  }
}

static void defaulthost_with_dot(void **state)
{
  inject_hosts h2 = h;
  stralloc out = STRALLOC_ZERO;
  strcpy(h2.defaulthost, "lab+");
  assert_int_equal(inject_host_fix(&h2, "x", 1, &out), 0);
  assert_int_equal(out.len, strlen("x@lab.plus.example.net"));
  assert_memory_equal(out.s, "x@lab.plus.example.net", out.len);
  stralloc_free(&out);
}

static void too_long(void **state)
{
  char a[INJECT_ADDR_MAX];
  stralloc out = STRALLOC_ZERO;
  memset(a, 'a', sizeof a);
  assert_true(stralloc_cats(&out, "keep"));
  assert_int_equal(inject_host_fix(&h, a, sizeof a - 5, &out), -1);
  assert_int_equal(errno, ENAMETOOLONG);
  assert_int_equal(out.len, 4);
  stralloc_free(&out);
}

static void put(char const *dir, char const *name, char const *value)
{
  char fn[256];
  snprintf(fn, sizeof fn, "%s/control/%s", dir, name);
  FILE *f = fopen(fn, "w");
  assert_non_null(f);
  fputs(value, f);
  fclose(f);
}

static void load(void **state)
{
  char dir[] = "/tmp/test_inject_host.XXXXXX";
  char sub[256];
  inject_hosts l = { 0 };
  char const *failed = 0;
  assert_non_null(mkdtemp(dir));
  snprintf(sub, sizeof sub, "%s/control", dir);
  assert_int_equal(mkdir(sub, 0755), 0);
  unsetenv("QMAILDEFAULTHOST");
  unsetenv("QMAILDEFAULTDOMAIN");
  unsetenv("QMAILPLUSDOMAIN");
  unsetenv("QMAILIDHOST");
  put(dir, "me", "me.example.org\n");
  put(dir, "defaultdomain", "dd.example.org  \r\nsecond line\n");
  assert_int_equal(inject_host_load(&l, dir, &failed), 0);
  assert_string_equal(l.defaulthost, "me.example.org");
  assert_string_equal(l.defaultdomain, "dd.example.org");
  assert_string_equal(l.plusdomain, "me.example.org");
  assert_string_equal(l.idhost, "me.example.org");
  /* the environment wins, when it is clean */
  setenv("QMAILDEFAULTHOST", "env.example", 1);
  setenv("QMAILPLUSDOMAIN", "bad\001value", 1);
  assert_int_equal(inject_host_load(&l, dir, &failed), 0);
  assert_string_equal(l.defaulthost, "env.example");
  assert_string_equal(l.plusdomain, "me.example.org");
  unsetenv("QMAILDEFAULTHOST");
  unsetenv("QMAILPLUSDOMAIN");
  /* a control file that cannot be read is an error naming it */
  put(dir, "plusdomain", "x\n");
  snprintf(sub, sizeof sub, "%s/control/plusdomain", dir);
  chmod(sub, 0);
  if (geteuid() != 0) {
    assert_int_equal(inject_host_load(&l, dir, &failed), -1);
    assert_string_equal(failed, "control/plusdomain");
  }
  unlink(sub);
  /* a control character in a file is refused */
  put(dir, "idhost", "a\tb\n");
  assert_int_equal(inject_host_load(&l, dir, &failed), -1);
  assert_string_equal(failed, "control/idhost");
  snprintf(sub, sizeof sub, "%s/control/idhost", dir);
  unlink(sub);
  snprintf(sub, sizeof sub, "%s/control/me", dir);
  unlink(sub);
  snprintf(sub, sizeof sub, "%s/control/defaultdomain", dir);
  unlink(sub);
  /* no control/me: the system's name */
  assert_int_equal(inject_host_load(&l, dir, &failed), 0);
  assert_true(strlen(l.defaulthost) > 0);
  inject_host_free(&l);
  snprintf(sub, sizeof sub, "%s/control", dir);
  rmdir(sub);
  rmdir(dir);
}

/* A control folder in a fresh temporary folder; returns it in dir. */
static void instance(char *dir, char const *me, char const *locals, char const *vdoms)
{
  char sub[256];
  assert_non_null(mkdtemp(dir));
  snprintf(sub, sizeof sub, "%s/control", dir);
  assert_int_equal(mkdir(sub, 0755), 0);
  put(dir, "me", me);
  if (locals) put(dir, "locals", locals);
  if (vdoms) put(dir, "virtualdomains", vdoms);
}

static void instance_remove(char const *dir)
{
  char fn[256];
  static char const *const files[] = { "me", "locals", "virtualdomains", "defaultdomain" };
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    snprintf(fn, sizeof fn, "%s/control/%s", dir, files[i]);
    unlink(fn);
  }
  snprintf(fn, sizeof fn, "%s/control", dir);
  rmdir(fn);
  rmdir(dir);
}

static void expect(inject_hosts const *l, char const *in, char const *want)
{
  stralloc out = STRALLOC_ZERO;
  assert_int_equal(inject_host_fix(l, in, strlen(in), &out), 0);
  if (out.len != strlen(want) || memcmp(out.s, want, out.len))
    fail_msg("%s: got %.*s, want %s", in, (int)out.len, out.s, want);
  stralloc_free(&out);
}

static void unset_env(void)
{
  unsetenv("QMAILDEFAULTHOST");
  unsetenv("QMAILDEFAULTDOMAIN");
  unsetenv("QMAILPLUSDOMAIN");
  unsetenv("QMAILIDHOST");
}

/* The host of issue 20: node name "vm", control/me "vm", locals "vm" and
 * localhost, everything else defaulting to me. Nothing becomes vm.vm or
 * localhost.vm. */
static void dotless_host(void **state)
{
  char dir[] = "/tmp/test_inject_host.XXXXXX";
  inject_hosts l = { 0 };
  char const *failed = 0;
  unset_env();
  instance(dir, "vm\n", "vm\nlocalhost\n", 0);
  assert_int_equal(inject_host_load(&l, dir, &failed), 0);
  assert_string_equal(l.defaultdomain, "vm");
  expect(&l, "demo@localhost", "demo@localhost");
  expect(&l, "root", "root@vm");                /* the sender made up */
  expect(&l, "root@vm", "root@vm");
  expect(&l, "root@VM", "root@VM");
  expect(&l, "bob@files", "bob@files");         /* a dotless defaultdomain adds nothing */
  expect(&l, "bob@files+", "bob@files.vm");     /* '+' asks for plusdomain */
  expect(&l, "bob@example.org", "bob@example.org");
  /* without control/locals, me alone is local: still root@vm */
  instance_remove(dir);
  strcpy(dir, "/tmp/test_inject_host.XXXXXX");
  instance(dir, "vm\n", 0, 0);
  assert_int_equal(inject_host_load(&l, dir, &failed), 0);
  expect(&l, "root", "root@vm");
  expect(&l, "demo@localhost", "demo@localhost");
  inject_host_free(&l);
  instance_remove(dir);
}

/* A qualified defaultdomain still qualifies unknown dotless hosts, but
 * never the instance's own domains: locals, virtualdomains with a prefix
 * (an exception, an empty prefix, is remote and qualified). */
static void own_domains(void **state)
{
  char dir[] = "/tmp/test_inject_host.XXXXXX";
  inject_hosts l = { 0 };
  char const *failed = 0;
  unset_env();
  instance(dir, "mail.example.com\n", "mail.example.com\nIntranet\nlocalhost\n",
           "lab:lab\nout:\njoe@desk:joe\n");
  put(dir, "defaultdomain", "example.com\n");
  assert_int_equal(inject_host_load(&l, dir, &failed), 0);
  expect(&l, "bob", "bob@mail.example.com");
  expect(&l, "bob@intranet", "bob@intranet");
  expect(&l, "bob@INTRANET", "bob@INTRANET");
  expect(&l, "bob@lab", "bob@lab");
  expect(&l, "bob@out", "bob@out.example.com");
  expect(&l, "joe@desk", "joe@desk.example.com"); /* an address entry makes no domain local */
  expect(&l, "bob@other", "bob@other.example.com");
  expect(&l, "bob@localhost", "bob@localhost");
  /* the environment's defaultdomain, equal to a dotless host: kept */
  setenv("QMAILDEFAULTDOMAIN", "corp", 1);
  assert_int_equal(inject_host_load(&l, dir, &failed), 0);
  expect(&l, "bob@corp", "bob@corp");
  expect(&l, "bob@other", "bob@other");
  setenv("QMAILDEFAULTDOMAIN", "corp.example", 1);
  assert_int_equal(inject_host_load(&l, dir, &failed), 0);
  expect(&l, "bob@other", "bob@other.corp.example");
  expect(&l, "bob@intranet", "bob@intranet");
  unsetenv("QMAILDEFAULTDOMAIN");
  inject_host_free(&l);
  instance_remove(dir);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(rules),
    cmocka_unit_test(defaulthost_with_dot),
    cmocka_unit_test(too_long),
    cmocka_unit_test(load),
    cmocka_unit_test(dotless_host),
    cmocka_unit_test(own_domains),
)
