/* cmd: the four commands of posta-user. See user.h.
 * Dies through strerr (100 refused, 111 system error); prints only the
 * answers of list and path. */
#include "posta-user/user.h"

#include <string.h>
#include <unistd.h>

#include <skalibs/buffer.h>
#include <skalibs/strerr.h>

#define USAGE "posta-user add ADDRESS [-p PASSWORD] | del ADDRESS | list | path ADDRESS"

static void take_addr(user_ctx *c, char const *arg)
{
  char const *why;
  if (vbox_addr(arg, c->addr, &c->at, &why) < 0) strerr_dief4x(100, "invalid address ", arg, ": ", why);
}

static void may_change(user_ctx const *c)
{
  uid_t u = getuid();
  if (u && u != c->ro.uid[ROLE_V]) strerr_dief1x(100, "only root and posta-v may change virtual mailboxes");
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
  take_addr(c, argv[0]);
  c->password = argc == 3 ? argv[2] : 0;
  may_change(c);
  asv_lock(c);
  char const *domain = c->addr + c->at + 1;
  if (!ctlfile_has("control/locals", domain) || !ctlfile_has("control/rcpthosts", domain)) {
    /* control/ is root's, or the owner's in a single-user instance */
    if (getuid() && !c->ro.single)
      strerr_dief3x(100, "domain ", domain, " is not in control/locals and control/rcpthosts: only root may add it");
    ctlfile_add("control/locals", domain);
    ctlfile_add("control/rcpthosts", domain);
  }
  asv_run(c, &add_as_v);
}

void user_del(user_ctx *c, int argc, char const *const *argv)
{
  if (argc != 1) strerr_dieusage(100, USAGE);
  take_addr(c, argv[0]);
  may_change(c);
  asv_lock(c);
  asv_run(c, &del_as_v);
}

static void list_as_v(user_ctx *c)
{
  vlist_print();
}

static void path_as_v(user_ctx *c)
{
  if (!vlist_has(c->addr)) strerr_dief2x(100, "no virtual mailbox for ", c->addr);
  c->addr[c->at] = 0;
  if (buffer_puts(buffer_1, c->home) < 0 || buffer_puts(buffer_1, "/mailboxes/") < 0
      || buffer_puts(buffer_1, c->addr + c->at + 1) < 0 || buffer_puts(buffer_1, "/") < 0
      || buffer_puts(buffer_1, c->addr) < 0 || buffer_putsflush(buffer_1, "/Maildir/\n") < 0)
    strerr_diefu1sys(111, "write to stdout");
}

/* Root reads posta-v's files as posta-v too: a link planted among them
 * must not make root print a file posta-v cannot read. */
static void read_as_v(user_ctx *c, void (*f)(user_ctx *))
{
  if (getuid()) f(c);
  else asv_run(c, f);
}

void user_list(user_ctx *c, int argc, char const *const *argv)
{
  if (argc) strerr_dieusage(100, USAGE);
  read_as_v(c, &list_as_v);
}

void user_path(user_ctx *c, int argc, char const *const *argv)
{
  if (argc != 1) strerr_dieusage(100, USAGE);
  take_addr(c, argv[0]);
  read_as_v(c, &path_as_v);
}
