/* Unit tests for src/sk/lookup.c: the lookup order (users/cdb scoped then
 * plain, virtual mailboxes, system accounts, the alias user) and the
 * RCPT-time existence check. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
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
#include "sk/assign.h"
#include "sk/lookup.h"
#include "sk/vbox.h"
#include "unit.h"

static char dir[] = "/tmp/posta-test-lookup-XXXXXX";

static int setup(void **state)
{
  static char const assign_fmt[] =
    "=alice:alice:1001:1001:/home/alice:::\n"
    "=alice@Example.COM:alicex:1005:1005:/home/alicex:::\n"
    "=bob@example.com:bobx:1002:1002:/home/bobx:-:work:\n"
    "+list-:lists:1003:1003:/var/lists:-:l-:\n"
    "+@catch.org:catch:1004:1004:/var/catch:-::\n"
    "=carol@virt.org:assigned:1006:1006:/home/assigned:::\n"
    "+team-:team:1007:1007:%s/team:-::\n"
    ".\n";
  char assign[sizeof assign_fmt + sizeof dir];
  static char const virt[] = "carol@virt.org\njohn-smith@virt.org\ndave@virt.org\n";
  unsigned line;
  char const *why;
  int fd;
  if (fsfix_enter(dir) < 0) return -1;
  snprintf(assign, sizeof assign, assign_fmt, dir);
  if (mkdir("team", 0755) < 0) return -1;
  write_file("team/.qmail-default", "./Maildir/\n");
  if (mkdir("users", 0755) < 0 || mkdir("queue", 0750) < 0 || mkdir("alias", 0755) < 0
      || mkdir("mailboxes", 0755) < 0) return -1;
  if ((fd = open("users/cdb", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) return -1;
  if (assign_compile(assign, strlen(assign), fd, &line, &why) < 0) return -1;
  close(fd);
  if ((fd = open(VBOX_CDB, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) return -1;
  if (vbox_compile(virt, sizeof virt - 1, fd) < 0) return -1;
  close(fd);
  write_file("alias/.qmail-postmaster", "./Maildir/\n");
  write_file("alias/.qmail-help-default", "./Maildir/\n");
  return 0;
}

static int teardown(void **state)
{
  return fsfix_remove(dir);
}

static void expect(char const *local, char const *domain, int kind, char const *user, char const *dash, char const *ext)
{
  lookup_result r;
  assert_int_equal(lookup_local(local, domain, &r), 1);
  if (r.kind != kind) fail_msg("%s@%s: kind %d, expected %d", local, domain, r.kind, kind);
  if (user) assert_string_equal(r.user, user);
  assert_string_equal(r.dash, dash);
  assert_string_equal(r.ext, ext);
}

static void assign_order(void **state)
{
  lookup_result r;
  expect("alice", "other.org", LOOKUP_ASSIGN, "alice", "", "");
  expect("ALICE", "other.org", LOOKUP_ASSIGN, "alice", "", "");
  /* a domain-scoped key wins over a plain one */
  expect("alice", "example.com", LOOKUP_ASSIGN, "alicex", "", "");
  expect("Alice", "EXAMPLE.com", LOOKUP_ASSIGN, "alicex", "", "");
  expect("bob", "example.com", LOOKUP_ASSIGN, "bobx", "-", "work");
  /* prefix lines: the extension is pre followed by the rest */
  expect("list-foo", "x.org", LOOKUP_ASSIGN, "lists", "-", "l-foo");
  expect("List-Foo-Bar", "x.org", LOOKUP_ASSIGN, "lists", "-", "l-foo-bar");
  expect("list-", "x.org", LOOKUP_ASSIGN, "lists", "-", "l-");
  expect("anything", "catch.org", LOOKUP_ASSIGN, "catch", "-", "anything");
  /* users/cdb comes before the virtual mailboxes */
  expect("carol", "virt.org", LOOKUP_ASSIGN, "assigned", "", "");
  assert_int_equal(lookup_local("alice", "x.org", &r), 1);
  assert_int_equal(r.uid, 1001);
  assert_int_equal(r.gid, 1001);
  assert_string_equal(r.home, "/home/alice");
}

static void virtual(void **state)
{
  lookup_result r;
  char cwd[4096], home[4200];
  struct stat st;
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(stat("queue", &st), 0);
  expect("dave", "virt.org", LOOKUP_VIRTUAL, 0, "", "");
  assert_int_equal(lookup_local("Dave", "Virt.ORG", &r), 1);
  snprintf(home, sizeof home, "%s/mailboxes/virt.org/dave", cwd);
  assert_string_equal(r.home, home);
  /* a single-user instance: the owner of the queue is posta-v */
  assert_int_equal(r.uid, st.st_uid);
  expect("dave-ext", "virt.org", LOOKUP_VIRTUAL, 0, "-", "ext");
  expect("john-smith", "virt.org", LOOKUP_VIRTUAL, 0, "", "");
  expect("john-smith-x-y", "virt.org", LOOKUP_VIRTUAL, 0, "-", "x-y");
  assert_int_equal(lookup_local("john-smith-x-y", "virt.org", &r), 1);
  snprintf(home, sizeof home, "%s/mailboxes/virt.org/john-smith", cwd);
  assert_string_equal(r.home, home);
  /* another domain's dave is not this one */
  expect("dave", "other.org", LOOKUP_ALIAS, 0, "-", "dave");
  expect("john", "virt.org", LOOKUP_ALIAS, 0, "-", "john");
}

static void alias(void **state)
{
  lookup_result r;
  char cwd[4096], home[4200];
  assert_non_null(getcwd(cwd, sizeof cwd));
  snprintf(home, sizeof home, "%s/alias", cwd);
  expect("postmaster", "virt.org", LOOKUP_ALIAS, 0, "-", "postmaster");
  expect("Mailer-Daemon", "x.org", LOOKUP_ALIAS, 0, "-", "mailer-daemon");
  /* root is never a system account delivery */
  expect("root", "x.org", LOOKUP_ALIAS, 0, "-", "root");
  expect("root-foo", "x.org", LOOKUP_ALIAS, 0, "-", "root-foo");
  /* nobody's home does not exist: not a mailbox */
  expect("nobody", "x.org", LOOKUP_ALIAS, 0, "-", "nobody");
  expect("no-such-user-here", "x.org", LOOKUP_ALIAS, 0, "-", "no-such-user-here");
  assert_int_equal(lookup_local("postmaster", "x.org", &r), 1);
  assert_string_equal(r.home, home);
}

/* A system account with uid > 0 and a home it owns, if this machine has one. */
static struct passwd *real_account(void)
{
  struct passwd *pw;
  struct stat st;
  setpwent();
  while ((pw = getpwent()))
    if (pw->pw_uid && !strchr(pw->pw_name, '-') && stat(pw->pw_dir, &st) == 0 && st.st_uid == pw->pw_uid
        && strcmp(pw->pw_name, "alice") && strcmp(pw->pw_name, "list")) break;
  endpwent();
  return pw;
}

static void passwd(void **state)
{
  char name[64], ext[80];
  lookup_result r;
  struct passwd *pw = real_account();
  if (!pw) skip();
  snprintf(name, sizeof name, "%s", pw->pw_name);
  uid_t uid = pw->pw_uid;
  expect(name, "x.org", LOOKUP_PASSWD, name, "", "");
  assert_int_equal(lookup_local(name, "x.org", &r), 1);
  assert_int_equal(r.uid, uid);
  snprintf(ext, sizeof ext, "%s-Foo-bar", name);
  expect(ext, "x.org", LOOKUP_PASSWD, name, "-", "foo-bar");
  assert_int_equal(lookup_exists(name, "x.org"), 1);
}

static void exists(void **state)
{
  assert_int_equal(lookup_exists("alice", "x.org"), 1);
  /* an extension needs a dot-qmail file of the cascade in the home, or
   * posta-local would bounce it: /var/lists has none, team has a -default */
  assert_int_equal(lookup_exists("list-anything", "x.org"), 0);
  assert_int_equal(lookup_exists("team-anything", "x.org"), 1);
  assert_int_equal(lookup_exists("dave", "virt.org"), 1);
  /* dave's home has no .qmail-ext nor .qmail-default */
  assert_int_equal(lookup_exists("dave-ext", "virt.org"), 0);
  assert_int_equal(lookup_exists("postmaster", "virt.org"), 1);
  assert_int_equal(lookup_exists("Help-Me", "x.org"), 1);
  assert_int_equal(lookup_exists("help", "x.org"), 0);
  assert_int_equal(lookup_exists("stranger", "x.org"), 0);
  write_file("alias/.qmail-default", "./Maildir/\n");
  assert_int_equal(lookup_exists("stranger", "x.org"), 1);
  unlink("alias/.qmail-default");
}

static void broken_cdb(void **state)
{
  lookup_result r;
  assert_int_equal(rename("users/cdb", "users/cdb.good"), 0);
  write_file("users/cdb", "not a cdb");
  assert_int_equal(lookup_local("alice", "x.org", &r), -1);
  assert_int_equal(lookup_exists("alice", "x.org"), -1);
  assert_int_equal(rename("users/cdb.good", "users/cdb"), 0);
  /* no users/cdb at all is no error */
  assert_int_equal(rename("users/cdb", "users/cdb.good"), 0);
  expect("alice", "x.org", LOOKUP_ALIAS, 0, "-", "alice");
  assert_int_equal(rename("users/cdb.good", "users/cdb"), 0);
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(assign_order),
    cmocka_unit_test(virtual),
    cmocka_unit_test(alias),
    cmocka_unit_test(passwd),
    cmocka_unit_test(exists),
    cmocka_unit_test(broken_cdb),
)
