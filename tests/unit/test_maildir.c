/* Unit tests for src/posta-local/maildir.c: the unique and stable names,
 * and deliveries into a real Maildir (one copy per stable name, nothing
 * left in tmp/, nothing in new/ on failure). */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsfix.h"
#include "posta-local/local.h"
#include "posta-local/maildir.h"
#include "unit.h"

static char dir[] = "/tmp/posta-test-maildir-XXXXXX";

static unsigned count(char const *sub)
{
  char fn[256];
  unsigned n = 0;
  struct dirent *d;
  snprintf(fn, sizeof fn, "%s/Maildir/%s", dir, sub);
  DIR *dp = opendir(fn);
  assert_non_null(dp);
  while ((d = readdir(dp))) if (d->d_name[0] != '.') n++;
  closedir(dp);
  return n;
}

static int setup(void **state)
{
  char fn[256];
  if (fsfix_enter_mkdir(dir, "Maildir", 0700) < 0) return -1;
  for (char const *const *s = (char const *const[]){ "tmp", "new", "cur", 0 }; *s; s++) {
    snprintf(fn, sizeof fn, "Maildir/%s", *s);
    if (mkdir(fn, 0700) < 0) return -1;
  }
  FILE *f = fopen("msg", "w");
  if (!f) return -1;
  fputs("Received: x\n\nbody\n", f);
  fclose(f);
  int fd = open("msg", O_RDONLY);
  if (fd < 0 || dup2(fd, 0) < 0) return -1;
  close(fd);
  return 0;
}

static int teardown(void **state)
{
  return fsfix_remove(dir);
}

static void names(void **state)
{
  char host[MAILDIR_HOST_MAX], buf[MAILDIR_NAME_MAX];
  struct stat st;
  memset(&st, 0, sizeof st);
  maildir_host(host, sizeof host, "mx1.example.com");
  assert_string_equal(host, "mx1.example.com");
  maildir_host(host, sizeof host, "a/b:c");
  assert_string_equal(host, "a\\057b\\072c");
  maildir_host(host, sizeof host, "");
  assert_string_equal(host, "localhost");
  maildir_host(host, 8, "abcdefghijkl");
  assert_true(strlen(host) < 8);
  assert_int_equal(maildir_name_unique(buf, sizeof buf, 1700000000ULL, 42, 1234, 3, "h"), 27);
  assert_string_equal(buf, "1700000000.M000042P1234Q3.h");
  st.st_mtim.tv_sec = 1700000000;
  st.st_mtim.tv_nsec = 5;
  st.st_dev = 0x801;
  st.st_ino = 0xabc;
  uint64_t h = maildir_hash(&st, "a@b", "./Maildir/", 1);
  assert_true(maildir_name_stable(buf, sizeof buf, &st, h, "h") > 0);
  assert_memory_equal(buf, "1700000000.V801Iabc", 19);
  /* the name tells apart recipients, Maildirs, lines and messages */
  assert_true(h != maildir_hash(&st, "a@c", "./Maildir/", 1));
  assert_true(h != maildir_hash(&st, "a@b", "./Other/", 1));
  assert_true(h != maildir_hash(&st, "a@b", "./Maildir/", 2));
  st.st_mtim.tv_nsec = 6;
  assert_true(h != maildir_hash(&st, "a@b", "./Maildir/", 1));
  assert_int_equal(maildir_name_unique(buf, 10, 1700000000ULL, 42, 1234, 3, "h"), 0);
}

static void ctx(local_ctx *c, char const *rcpt)
{
  memset(c, 0, sizeof *c);
  c->local = "a";
  c->domain = "b";
  c->sender = "s@x";
  c->dflt = -1;
  c->line = 1;
  assert_int_equal(fstat(0, &c->msg), 0);
  assert_true(stralloc_copys(&c->rcpt, rcpt) && stralloc_0(&c->rcpt));
  assert_true(stralloc_cats(&c->dtline, "Delivered-To: a@b\n"));
  assert_true(stralloc_cats(&c->rpline, "Return-Path: <s@x>\n"));
}

static void deliver(void **state)
{
  local_ctx c;
  ctx(&c, "a@b");
  assert_int_equal(maildir_deliver(&c, "./Maildir/"), 0);
  assert_int_equal(count("new"), 1);
  assert_int_equal(count("tmp"), 0);
  /* the same delivery again: found in new/, not copied twice */
  maildir_deliver(&c, "./Maildir/");
  assert_int_equal(count("new"), 1);
  assert_int_equal(c.nmaildir, 2);
  /* another dot-qmail line is another copy */
  c.line = 2;
  maildir_deliver(&c, "./Maildir/");
  assert_int_equal(count("new"), 2);

  DIR *dp = opendir("Maildir/new");
  struct dirent *d;
  char fn[300], buf[200];
  while ((d = readdir(dp)) && d->d_name[0] == '.') ;
  snprintf(fn, sizeof fn, "Maildir/new/%s", d->d_name);
  closedir(dp);
  FILE *f = fopen(fn, "r");
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  assert_string_equal(buf, "Return-Path: <s@x>\nDelivered-To: a@b\nReceived: x\n\nbody\n");
}

static void missing_maildir(void **state)
{
  local_ctx c;
  ctx(&c, "a@b");
  assert_int_equal(maildir_deliver(&c, "./NoSuchMaildir/"), -1);
  assert_int_equal(c.res.code, 111);
  assert_string_equal(c.res.status, "4.2.1");
  assert_non_null(strstr(c.res.text, "unable to create ./NoSuchMaildir/tmp/"));
  assert_non_null(strstr(c.res.text, ": No such file or directory"));
  assert_int_equal(c.nmaildir, 0);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(names),
    cmocka_unit_test(deliver),
    cmocka_unit_test(missing_maildir),
)
