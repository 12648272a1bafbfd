/* Unit tests for src/posta-local/run.c: local_run's outcome, called in
 * this process: it returns the exit code and leaves the result line's
 * parts (code, status, text) in the context instead of ending the process,
 * for a delivery, a stop, a program's permanent failure, a missing
 * mailbox, a writable home and a looping message. */
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
#include "posta-local/local.h"
#include "posta-local/result.h"
#include "unit.h"

static char dir[] = "/tmp/posta-test-run-XXXXXX";

static int setup(void **state)
{
  umask(022);
  unsetenv("POSTA_HOME");
  if (fsfix_enter(dir) < 0 || chmod(dir, 0755) < 0) return -1;
  return mkdir("Maildir", 0700) || mkdir("Maildir/tmp", 0700) || mkdir("Maildir/new", 0700)
         || mkdir("Maildir/cur", 0700) ? -1 : 0;
}

static int teardown(void **state)
{
  return fsfix_remove(dir);
}

/* the message on fd 0, as posta-lspawn gives it */
static void message(char const *text)
{
  write_file("msg", text);
  int fd = open("msg", O_RDONLY);
  assert_true(fd > 0);
  assert_int_equal(dup2(fd, 0), 0);
  close(fd);
}

/* What local_init and the forwards allocated. */
static void drop(local_ctx *c)
{
  stralloc_free(&c->rcpt);
  stralloc_free(&c->dtline);
  stralloc_free(&c->rpline);
  stralloc_free(&c->ufline);
  stralloc_free(&c->fwd);
}

/* A delivery to a@b (dash and ext as given) with the default delivery
 * ./Maildir/; returns local_run's code, the result in *c (drop it). */
static int run(local_ctx *c, char const *dash, char const *ext)
{
  memset(c, 0, sizeof *c);
  c->user = "u";
  c->home = dir;
  c->local = "a";
  c->dash = dash;
  c->ext = ext;
  c->domain = "b";
  c->sender = "s@x";
  c->defaultdelivery = "./Maildir/\n";
  c->dflt = -1;
  assert_int_equal(local_init(c), 0);
  return local_run(c);
}

static void line_is(local_ctx const *c, char const *want)
{
  char line[RESULT_TEXT_MAX + 2];
  size_t n = result_line(&c->res, line);
  line[n] = 0;
  assert_string_equal(line, want);
}

static void delivered(void **state)
{
  local_ctx c;
  message("Subject: x\n\nbody\n");
  assert_int_equal(run(&c, "", ""), 0);
  line_is(&c, "delivered: 1 maildir, 0 mbox, 0 program, 0 forward\n");
  drop(&c);
  write_file(".qmail", "|exit 99\n./Maildir/\n");
  assert_int_equal(run(&c, "", ""), 99);
  line_is(&c, "delivered: 0 maildir, 0 mbox, 1 program, 0 forward\n");
  drop(&c);
  unlink(".qmail");
}

static void program_refuses(void **state)
{
  local_ctx c;
  message("Subject: x\n\nbody\n");
  write_file(".qmail-list", "|echo go away; exit 100\n");
  assert_int_equal(run(&c, "-", "list"), 100);
  assert_string_equal(c.res.status, "5.3.0");
  line_is(&c, "program failed (exit 100): go away (#5.3.0)\n");
  drop(&c);
  unlink(".qmail-list");
}

static void no_mailbox(void **state)
{
  local_ctx c;
  message("Subject: x\n\nbody\n");
  assert_int_equal(run(&c, "-", "nobody"), 100);
  assert_null(c.res.status);
  line_is(&c, "Sorry, no mailbox here by that name. (#5.1.1)\n");
  drop(&c);
}

static void writable_home(void **state)
{
  local_ctx c;
  char want[200];
  message("Subject: x\n\nbody\n");
  assert_int_equal(chmod(dir, 0775), 0);
  assert_int_equal(run(&c, "", ""), 111);
  assert_int_equal(chmod(dir, 0755), 0);
  snprintf(want, sizeof want, "Uh-oh: home directory %s is writable by group or others (#4.7.0)\n", dir);
  line_is(&c, want);
  drop(&c);
}

static void looping(void **state)
{
  local_ctx c;
  message("Delivered-To: a@b\nSubject: x\n\nbody\n");
  assert_int_equal(run(&c, "", ""), 100);
  line_is(&c, "This message is looping: it already has my Delivered-To line. (#5.4.6)\n");
  drop(&c);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(delivered),
    cmocka_unit_test(program_refuses),
    cmocka_unit_test(no_mailbox),
    cmocka_unit_test(writable_home),
    cmocka_unit_test(looping),
)
