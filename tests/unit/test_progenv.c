/* Unit tests for src/posta-local/progenv.c: qmail-command(8)'s
 * environment for dot-qmail programs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "posta-local/progenv.h"
#include "unit.h"

static char const *get(char const *const *env, char const *name)
{
  size_t k = strlen(name);
  for (; *env; env++)
    if (!strncmp(*env, name, k) && (*env)[k] == '=') return *env + k + 1;
  return 0;
}

static void environment(void **state)
{
  local_ctx c;
  stralloc sa = STRALLOC_ZERO;
  char const **env;
  char const *const base[] = { "PATH=/bin", "SENDER=forged", "HOME=/wrong", "KEEP=1", 0 };
  memset(&c, 0, sizeof c);
  c.user = "alice";
  c.home = "/home/alice";
  c.local = "alice-list-foo-bar";
  c.ext = "list-foo-bar";
  c.domain = "mail.example.co.uk";
  c.sender = "bob@x.org";
  c.dflt = 5;
  assert_true(stralloc_cats(&c.rcpt, "alice-list-foo-bar@mail.example.co.uk") && stralloc_0(&c.rcpt));
  assert_true(stralloc_cats(&c.dtline, "Delivered-To: alice-list-foo-bar@mail.example.co.uk\n"));
  assert_true(stralloc_cats(&c.rpline, "Return-Path: <bob@x.org>\n"));
  assert_true(stralloc_cats(&c.ufline, "From bob@x.org Thu Jan  1 00:00:00 1970\n"));
  assert_int_equal(progenv_build(&c, base, &sa, &env), 0);
  assert_string_equal(get(env, "SENDER"), "bob@x.org");
  assert_string_equal(get(env, "NEWSENDER"), "bob@x.org");
  assert_string_equal(get(env, "RECIPIENT"), "alice-list-foo-bar@mail.example.co.uk");
  assert_string_equal(get(env, "USER"), "alice");
  assert_string_equal(get(env, "HOME"), "/home/alice");
  assert_string_equal(get(env, "LOCAL"), "alice-list-foo-bar");
  assert_string_equal(get(env, "HOST"), "mail.example.co.uk");
  assert_string_equal(get(env, "HOST2"), "mail.example.co");
  assert_string_equal(get(env, "HOST3"), "mail.example");
  assert_string_equal(get(env, "HOST4"), "mail");
  assert_string_equal(get(env, "EXT"), "list-foo-bar");
  assert_string_equal(get(env, "EXT2"), "foo-bar");
  assert_string_equal(get(env, "EXT3"), "bar");
  assert_string_equal(get(env, "EXT4"), "");
  assert_string_equal(get(env, "DEFAULT"), "foo-bar");
  assert_string_equal(get(env, "DTLINE"), "Delivered-To: alice-list-foo-bar@mail.example.co.uk\n");
  assert_string_equal(get(env, "RPLINE"), "Return-Path: <bob@x.org>\n");
  assert_string_equal(get(env, "PATH"), "/bin");
  assert_string_equal(get(env, "KEEP"), "1");
  /* posta-local's own values replace inherited ones, never both */
  unsigned senders = 0;
  for (char const *const *e = env; *e; e++) if (!strncmp(*e, "SENDER=", 7)) senders++;
  assert_int_equal(senders, 1);
  free(env);

  /* no -default file: no DEFAULT; short hosts keep what they have */
  c.dflt = -1;
  c.domain = "localhost";
  c.ext = "";
  c.sender = "evil\nInjected: yes";
  assert_int_equal(progenv_build(&c, 0, &sa, &env), 0);
  assert_null(get(env, "DEFAULT"));
  assert_string_equal(get(env, "HOST2"), "localhost");
  assert_string_equal(get(env, "EXT2"), "");
  assert_string_equal(get(env, "SENDER"), "evil_Injected: yes");
  free(env);
  stralloc_free(&sa);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(environment),
)
