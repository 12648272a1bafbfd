/* roles: the uid and gid each of posta's roles runs as in one instance.
 *
 * A root-made instance has one user per role (conf-users): its queue folder
 * is owned by posta-q. Any other instance is single-user: every role is the
 * owner of its queue folder. roles_load decides which by looking, so nothing
 * needs recording. libc only (getpwnam, getgrnam); never changes uid. */
#ifndef POSTA_ROLES_H
#define POSTA_ROLES_H

#include <sys/types.h>

enum role {
  ROLE_ALIAS,   /* posta-alias: alias deliveries */
  ROLE_D,       /* posta-d: posta-smtpd */
  ROLE_L,       /* posta-l: loggers */
  ROLE_Q,       /* posta-q: queue owner, posta-queue, posta-clean */
  ROLE_R,       /* posta-r: posta-rspawn, posta-remote */
  ROLE_S,       /* posta-s: posta-send, posta-bounce */
  ROLE_V,       /* posta-v: virtual mailboxes */
  ROLE_N
};

typedef struct roles_s roles;
struct roles_s {
  uid_t uid[ROLE_N];
  gid_t gid[ROLE_N];          /* each user's primary group */
  gid_t gid_posta;            /* group posta (may read the queue) */
  gid_t gid_nofiles;          /* group posta-nofiles */
  int single;                 /* 1: single-user instance */
  char const *home;
};

/* The conf-users name of a role ("posta-q"...), or of a group for ROLE_N
 * (posta) and ROLE_N + 1 (posta-nofiles). */
char const *roles_name(unsigned i);
/* Fills r for the instance at home: 0, or -1 with errno (ENOENT: a user of
 * conf-users is missing in a root-made instance). */
int roles_load(roles *r, char const *home);
/* Fills r for a root-made instance from the system's users, without looking
 * at an instance (posta-setup, before the queue exists). 0 or -1. */
int roles_system(roles *r);
/* Fills r with one uid and gid for every role. */
void roles_single(roles *r, uid_t uid, gid_t gid);

#endif
