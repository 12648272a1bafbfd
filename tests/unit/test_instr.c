/* Unit tests for src/posta-local/instr.c and forward.c's forward_add: the
 * lines of a dot-qmail file cut and dispatched, forwards queued, and a
 * refused line ending the run with -1 and its result in the context (no
 * exit, so that the test goes on); instr_maildir_only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <skalibs/stralloc.h>

#include "posta-local/instr.h"
#include "posta-local/local.h"
#include "unit.h"

static int run(local_ctx *c, char const *text)
{
  static char buf[512];
  size_t n = strlen(text);
  memset(c, 0, sizeof *c);
  memcpy(buf, text, n + 1);
  return instr_run(c, buf, n);
}

static void forwards(void **state)
{
  local_ctx c;
  assert_int_equal(run(&c, "# a comment\n&a@b \r\n\n  c@d\t\n"), 0);
  assert_int_equal(c.nfwd, 2);
  assert_int_equal(c.line, 4);
  assert_memory_equal(c.fwd.s, "a@b\0c@d\0", 8);
  stralloc_free(&c.fwd);
}

static void bad_forward(void **state)
{
  local_ctx c;
  assert_int_equal(run(&c, "&a@b\n&bad\001address\n&c@d\n"), -1);
  assert_int_equal(c.res.code, 111);
  assert_string_equal(c.res.status, "4.7.0");
  assert_string_equal(c.res.text, "bad forwarding address in a dot-qmail file");
  assert_int_equal(c.nfwd, 1);   /* the run stopped at the bad line */
  assert_int_equal(c.line, 2);
  stralloc_free(&c.fwd);
}

static void nul_byte(void **state)
{
  local_ctx c;
  static char text[] = "&a@b\n&c\0d\n";
  memset(&c, 0, sizeof c);
  assert_int_equal(instr_run(&c, text, sizeof text - 1), -1);
  assert_int_equal(c.res.code, 111);
  assert_string_equal(c.res.text, "a dot-qmail line holds a NUL byte");
  stralloc_free(&c.fwd);
}

/* what a virtual-mailbox worker may deliver itself: Maildirs and comments */
static void maildir_only(void **state)
{
  static char const nul[] = "./Maildir/\n./M\0/\n";
  assert_int_equal(instr_maildir_only("", 0), 1);
  assert_int_equal(instr_maildir_only("./Maildir/\n", 11), 1);
  char const *yes = "# c\n\n./Maildir/ \r\n/abs/Maildir/\t\n#|not a program\n./Other/";
  assert_int_equal(instr_maildir_only(yes, strlen(yes)), 1);
  char const *no[] = { "|prog\n", "./Maildir/\n&a@b\n", "a@b\n", "./mbox\n", "./Maildir/\n/var/mail/x\n" };
  for (size_t i = 0; i < sizeof no / sizeof *no; i++) assert_int_equal(instr_maildir_only(no[i], strlen(no[i])), 0);
  assert_int_equal(instr_maildir_only(nul, sizeof nul - 1), 0);
}

UNIT_MAIN(NULL, NULL,
    cmocka_unit_test(forwards),
    cmocka_unit_test(bad_forward),
    cmocka_unit_test(nul_byte),
    cmocka_unit_test(maildir_only),
)
