/* inst: the install table. One list of every path an instance holds, with
 * its type, owner, group and mode, drives posta-setup (create and fix),
 * posta-setup -c (check) and `make install` (posta-setup into conf-home).
 * libc only; the table is constant data, nothing here touches a file. */
#ifndef POSTA_INST_H
#define POSTA_INST_H

#include <sys/types.h>

#include "common/roles.h"

enum inst_type {
  INST_DIR,       /* a folder */
  INST_SPLITDIR,  /* a folder and its CONF_SPLIT numbered subfolders */
  INST_PROG,      /* a program copied from the build's bin folder */
  INST_FIFO,      /* a named pipe */
  INST_FILE,      /* a file created empty, or with content, when missing */
};

/* Owners and groups: a role (ROLE_ALIAS..ROLE_V), or these. */
#define INST_ROOT (ROLE_N + 10)
#define INST_GPOSTA (ROLE_N + 11)
#define INST_GNOFILES (ROLE_N + 12)

typedef struct inst_entry_s inst_entry;
struct inst_entry_s {
  char const *path;     /* relative to the instance's home; "" is the home */
  enum inst_type type;
  unsigned owner;       /* a role or INST_ROOT */
  unsigned group;       /* INST_ROOT, INST_GPOSTA, INST_GNOFILES, or a role (its primary group) */
  mode_t mode;
  char const *content;  /* INST_FILE: initial content, 0 for empty */
};

extern inst_entry const inst_table[];
extern unsigned const inst_table_len;

/* The uid and gid an entry gets in an instance with these roles (root is 0;
 * in a single-user instance everything belongs to the instance's user). */
uid_t inst_uid(inst_entry const *, roles const *);
gid_t inst_gid(inst_entry const *, roles const *);
/* The mode an entry gets: in a single-user instance setuid and setgid bits
 * are dropped (they would serve nothing). */
mode_t inst_mode(inst_entry const *, roles const *);
/* The entry for path, or 0. */
inst_entry const *inst_find(char const *path);

#endif
