/* setup: what posta-setup's modules share. */
#ifndef POSTA_SETUP_H
#define POSTA_SETUP_H

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
/* setup_check: names every entry whose presence, type, owner or mode is
 * wrong; returns how many. */
unsigned setup_check(char const *home, roles const *);

/* helpers (setup_util.c) */
int setup_path(char *buf, size_t size, char const *home, char const *rel);
int setup_own(char const *path, uid_t, gid_t, mode_t);
int setup_write_new(char const *path, char const *content, uid_t, gid_t, mode_t);
/* runs argv (PATH searched), stdin from input when not 0; 0 when it exits 0 */
int setup_run(char const *const *argv, char const *input);

/* setup_names.c: the name control/me gets (the node name, or the
 * resolver's fully qualified name for it when the node name has no dot),
 * and posta-setup -c's warnings when me or defaultdomain has no dot. */
void setup_me(char *buf, size_t size);
void setup_names_warn(char const *home);

#endif
