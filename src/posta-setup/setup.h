/* setup: what posta-setup's modules share. */
#ifndef POSTA_SETUP_H
#define POSTA_SETUP_H

#include <limits.h>

#include "common/inst.h"
#include "common/roles.h"

typedef struct setup_s setup;
struct setup_s {
  char const *home;        /* the instance, absolute */
  char const *bindir;      /* where the programs to install are */
  char const *listen_ip;
  char const *smtp_port;
  char const *sub_port;
  roles r;
};

/* setup_users: creates the users and groups of conf-users that are missing
 * (root only). 0, or -1 with a message already printed. */
int setup_users(void);
/* setup_apply: creates what the install table lists and gives every entry
 * its owner and mode; never touches what is already inside the queue, the
 * mailboxes or a control file. 0, or -1 with a message already printed. */
int setup_apply(setup const *);
/* setup_control: the per-instance settings when they are missing (me,
 * locals, rcpthosts, smtplisten, submissionlisten) and the tcprules cdbs. */
int setup_control(setup const *);
/* setup_svc: writes the s6 service folders from the built-in templates. */
int setup_svc(setup const *);
/* setup_dovecot: writes DIR/dovecot/dovecot.conf, Dovecot's configuration
 * over the instance's mailboxes, from the built-in template (dovecot/);
 * rewritten on every run, as the run scripts are. */
int setup_dovecot(setup const *);
/* setup_check: names every entry whose presence, type, owner or mode is
 * wrong; returns how many. */
unsigned setup_check(char const *home, roles const *);
/* setup_mail.c: -c beyond the table: every virtual mailbox's and
 * users/assign mailbox's Maildir owned by who delivers to it, and the
 * private key readable by its owner alone; home is the instance's
 * descriptor, hpath its path. Returns how many problems (each said). */
unsigned setup_check_mail(int home, char const *hpath, roles const *);

/* helpers (setup_util.c) */
typedef struct setup_subst_s setup_subst;
struct setup_subst_s {
  char const *key;          /* @KEY@ */
  char value[PATH_MAX];
};
/* text with every @KEY@ of subs replaced, malloc'd; 0 when out of memory */
char *setup_expand(char const *text, setup_subst const *subs, unsigned n);
int setup_path(char *buf, size_t size, char const *home, char const *rel);
/* runs argv (PATH searched), stdin from input when not 0; 0 when it exits 0 */
int setup_run(char const *const *argv, char const *input);

/* setup_names.c: the name control/me gets (the node name, or the
 * resolver's fully qualified name for it when the node name has no dot),
 * and posta-setup -c's warnings when me or defaultdomain has no dot. */
void setup_me(char *buf, size_t size);
void setup_names_warn(char const *home);

/* descriptors (setup_fs.c): nothing is changed by a path that could lead
 * through a link another uid placed. Each returns -1 after a warning. */
/* an O_PATH descriptor of the home (the operator's path, trusted) */
int setup_open_home(char const *home);
/* the O_PATH descriptor of the folder that holds rel (relative to the home
 * descriptor), every component opened with O_NOFOLLOW; *last is rel's last
 * component. -1 with errno, and no warning. */
int setup_walk(int home, char const *rel, char const **last);
/* gives the inode open as fd (of type type, S_IFDIR...; one link only when
 * not a folder) its owner and mode; path only names it in warnings */
int setup_fown(int fd, char const *path, mode_t type, uid_t, gid_t, mode_t);
/* the folder, named pipe or file name in the folder dir: created when
 * missing, given its owner and mode; setup_at_dir returns its O_PATH
 * descriptor, the others 0 */
int setup_at_dir(int dir, char const *name, char const *path, uid_t, gid_t, mode_t);
int setup_at_fifo(int dir, char const *name, char const *path, uid_t, gid_t, mode_t);
int setup_at_file(int dir, char const *name, char const *path, char const *content, uid_t, gid_t, mode_t);
/* takes group and others' bits off the regular files directly in the
 * folder open as dir (the logs a looser version left readable) */
int setup_tighten(int dir, char const *path);
/* by path, in folders only root (or the instance's user) may write to: the
 * last component is still never followed */
int setup_own(char const *path, uid_t, gid_t, mode_t);
int setup_write_new(char const *path, char const *content, uid_t, gid_t, mode_t);

#endif
