/* helpers: the descriptors and processes posta-start sets up.
 *
 * doc/protocols.md's table: two SOCK_SEQPACKET socketpairs (posta-lspawn,
 * posta-rspawn) and two pipes (posta-clean); each helper gets its ends as
 * fd 0 and 1, runs under its role's uid and groups (roles.h), and inherits
 * nothing else of posta-start's but stderr. posta-start then execs
 * posta-send with the other ends as fds 3 to 6. Every failure dies through
 * strerr with 111 (100 for a wrong instance): nothing has started yet,
 * and a helper already forked sees end of file and exits. */
#ifndef POSTA_START_HELPERS_H
#define POSTA_START_HELPERS_H

#include "common/roles.h"

#define START_SOCKBUF (1 << 20)

typedef struct start_fds_s start_fds;
struct start_fds_s {
  int lspawn[2];       /* [0] posta-send's end, [1] the helper's */
  int rspawn[2];
  int to_clean[2];     /* pipe: [0] posta-clean reads, [1] posta-send writes */
  int from_clean[2];   /* pipe: [0] posta-send reads, [1] posta-clean writes */
  int notify;          /* the notification fd, or -1 */
};

/* Creates every socket and pipe, close-on-exec, above fd 9, and moves the
 * notification fd there too when it sits on 3 to 6. */
void helpers_create(start_fds *);
/* Forks and execs DIR/bin/posta-lspawn, posta-rspawn and posta-clean. */
void helpers_spawn(start_fds const *, roles const *);
/* Drops to uid (and gid, plus group extra when extra is not (gid_t)-1),
 * unless it already runs as uid. */
void helpers_drop(uid_t uid, gid_t gid, gid_t extra);
/* Puts posta-send's ends on fds 3 to 6 and execs bin/posta-send as posta-s. */
void helpers_exec_send(start_fds const *, roles const *) __attribute__((noreturn));

#endif
