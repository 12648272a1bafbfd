/* lookup: who receives mail for a local address, and would it be delivered?
 *
 * The order is qmail-lspawn's: users/cdb (built by posta-newu from
 * users/assign: "=" exact lines, "+" prefix lines, and posta's domain-scoped
 * keys "=local@domain", "+prefix@domain"), then the system accounts (uid > 0,
 * home owned by the user; the local part splits at the first '-' into user
 * and extension), then the alias user (posta-alias) with the whole local part
 * as extension. Local parts compare without case. posta-user's virtual
 * mailboxes (mailboxes/.virtual.cdb, sk/vbox.h) come right after users/cdb:
 * they map only to posta-v and homes under mailboxes/, and an address
 * LOCAL-EXT@DOMAIN whose LOCAL@DOMAIN is one reaches it with extension EXT.
 * postmaster, mailer-daemon and root always go to the alias user.
 *
 * Implemented in src/sk/lookup.c (skalibs: cdb). Reads files relative to
 * the instance's home (the working directory). Never exits. */
#ifndef POSTA_LOOKUP_H
#define POSTA_LOOKUP_H

#include <sys/types.h>

#define LOOKUP_ASSIGN 1   /* users/cdb */
#define LOOKUP_PASSWD 2   /* a system account */
#define LOOKUP_ALIAS  3   /* the alias user */
#define LOOKUP_VIRTUAL 4  /* a virtual mailbox of posta-user (sk/vbox.h) */

typedef struct lookup_result_s lookup_result;
struct lookup_result_s {
  int kind;
  char user[64];
  uid_t uid;
  gid_t gid;
  char home[4096];
  char dash[2];        /* "" or "-" */
  char ext[1024];      /* the extension: .qmail DASH EXT is the first file tried */
};

/* Maps LOCAL@DOMAIN (local as in the queue: virtualdomains prefix applied) to
 * its owner. 1 found (the alias user catches everything else), -1 a
 * temporary error (errno): unreadable users/cdb, NSS failure. */
int lookup_local(char const *local, char const *domain, lookup_result *r);
/* For RCPT time: 1 when the address would be delivered (a users/cdb entry;
 * a system account whose dot-qmail cascade for the extension has a file, or
 * no extension; the alias user's .qmail-LOCAL cascade has a file), 0 when
 * posta-local would answer "no mailbox here by that name", 2 when it is a
 * virtual mailbox whose Maildir++ quota is used up (posta-local would
 * defer it: 4.2.2), -1 temporary. */
int lookup_exists(char const *local, char const *domain);

#endif
