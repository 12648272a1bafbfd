/* cmd: the commands of posta-user. See user.h.
 * Dies through strerr (100 refused, 111 system error); prints only the
 * answers of list and path. passwd reads the password on stdin, never
 * from an argument. */
#include "posta-user/user.h"

#include <string.h>
#include <unistd.h>

#include <skalibs/buffer.h>
#include <skalibs/strerr.h>

#define USAGE USER_USAGE

void user_take_addr(user_ctx *c, char const *arg)
{
  char const *why;
  if (vbox_addr(arg, c->addr, &c->at, &why) < 0) strerr_dief4x(100, "invalid address ", arg, ": ", why);
}

void user_may_change(user_ctx const *c)
{
  uid_t u = getuid();
  if (u && u != c->ro.uid[ROLE_V]) strerr_dief1x(100, "only root and posta-v may change virtual mailboxes");
}

/* Root records mailboxes in users/assign (CONTRACT.md); posta-v, which
 * cannot write users/, in mailboxes/.virtual. */
int user_by_root(user_ctx const *c)
{
  return !getuid() && !c->ro.single;
}

/* 1 when posta-v's own list holds the address (read as posta-v) */
static int in_vlist(user_ctx *c)
{
  return asv_test(c, &vlist_has);
}

static void add_as_v(user_ctx *c)
{
  asv_mkbox(c);
  vlist_change(c->addr, 1);
}


static void del_as_v(user_ctx *c)
{
  if (!vlist_change(c->addr, 0)) strerr_dief2x(100, "no virtual mailbox for ", c->addr);
}

void user_add(user_ctx *c, int argc, char const *const *argv)
{
  if (argc != 1 && !(argc == 3 && !strcmp(argv[1], "-p"))) strerr_dieusage(100, USAGE);
  user_take_addr(c, argv[0]);
  user_may_change(c);
  /* hashed (and wiped from our arguments) before anything else happens */
  if (argc == 3 && !strcmp(argv[2], "-")) pw_stdin(c);
  else if (argc == 3) pw_arg(c, (char *)argv[2]);
  asv_lock(c);
  char const *domain = c->addr + c->at + 1;
  if (!ctlfile_has("control/locals", domain) || !ctlfile_has("control/rcpthosts", domain)) {
    /* control/ is root's, or the owner's in a single-user instance */
    if (getuid() && !c->ro.single)
      strerr_dief3x(100, "domain ", domain, " is not in control/locals and control/rcpthosts: only root may add it");
    ctlfile_add("control/locals", domain);
    ctlfile_add("control/rcpthosts", domain);
  }
  if (user_by_root(c)) {
    asv_run(c, &asv_mkbox);
    if (!in_vlist(c)) assignfile_change(c, 1);
  } else asv_run(c, &add_as_v);
  if (c->hash[0]) asv_run(c, &pwfile_set);
}

int user_has_box(user_ctx *c)
{
  return (user_by_root(c) && assignfile_has(c)) || in_vlist(c);
}

void user_passwd(user_ctx *c, int argc, char const *const *argv)
{
  if (argc != 1) strerr_dieusage(100, USAGE);
  user_take_addr(c, argv[0]);
  user_may_change(c);
  pw_stdin(c);
  asv_lock(c);
  if (!user_has_box(c)) strerr_dief2x(100, "no virtual mailbox for ", c->addr);
  asv_run(c, &pwfile_set);
}

void user_del(user_ctx *c, int argc, char const *const *argv)
{
  if (argc != 1) strerr_dieusage(100, USAGE);
  user_take_addr(c, argv[0]);
  user_may_change(c);
  asv_lock(c);
  int found = 0;
  if (user_by_root(c) && assignfile_has(c)) {
    assignfile_change(c, 0);
    found = 1;
  }
  /* an address posta-v added is in its own list */
  if (in_vlist(c)) {
    asv_run(c, &del_as_v);
    found = 1;
  }
  if (!found) strerr_dief2x(100, "no virtual mailbox for ", c->addr);
  /* its password goes with it (c->hash is "") */
  asv_run(c, &pwfile_set);
}

static void print_path(user_ctx *c)
{
  c->addr[c->at] = 0;
  if (buffer_puts(buffer_1, c->home) < 0 || buffer_puts(buffer_1, "/mailboxes/") < 0
      || buffer_puts(buffer_1, c->addr + c->at + 1) < 0 || buffer_puts(buffer_1, "/") < 0
      || buffer_puts(buffer_1, c->addr) < 0 || buffer_putsflush(buffer_1, "/Maildir/\n") < 0)
    strerr_diefu1sys(111, "write to stdout");
}

static void list_as_v(user_ctx *c)
{
  vlist_print();
}

/* Root reads posta-v's files as posta-v too: a link planted among them
 * must not make root print a file posta-v cannot read. */
void user_read_as_v(user_ctx *c, void (*f)(user_ctx *))
{
  if (getuid()) f(c);
  else asv_run(c, f);
}

void user_list(user_ctx *c, int argc, char const *const *argv)
{
  if (argc) strerr_dieusage(100, USAGE);
  if (user_by_root(c)) assignfile_print(c);
  user_read_as_v(c, &list_as_v);
}

void user_path(user_ctx *c, int argc, char const *const *argv)
{
  if (argc != 1) strerr_dieusage(100, USAGE);
  user_take_addr(c, argv[0]);
  if (!(user_by_root(c) && assignfile_has(c)) && !in_vlist(c))
    strerr_dief2x(100, "no virtual mailbox for ", c->addr);
  print_path(c);
}
