/* user: posta-user's commands on virtual mailboxes (sk/vbox.h).
 *
 * add creates DIR/mailboxes/DOMAIN/LOCAL/Maildir/ owned by posta-v and
 * records the address: run by root, in users/assign, and rebuilds
 * users/cdb (CONTRACT.md); run by posta-v, which cannot write users/, in
 * mailboxes/.virtual, and rebuilds mailboxes/.virtual.cdb;
 * and adds the domain to control/locals and control/rcpthosts when they
 * lack it; del removes the address (the Maildir stays); list prints the
 * addresses; path prints an address's Maildir. Every change is atomic
 * (write, fsync, rename, fsync the folder) and made under an exclusive
 * lock on DIR/mailboxes. Runs as root (dropping to posta-v for everything
 * under DIR/mailboxes) or as posta-v (which cannot add a new domain). The
 * commands exit through strerr: 100 for a bad address or a refused
 * request, 111 for a system error. */
#ifndef POSTA_USER_H
#define POSTA_USER_H

#include <stddef.h>

#include <skalibs/stralloc.h>

#include "common/roles.h"
#include "sk/vbox.h"

#define USER_PASS_MAX 256     /* a password is shorter: posta-smtpd's limit */
#define USER_HASH_MAX 256

typedef struct user_ctx_s user_ctx;
struct user_ctx_s {
  char const *home;
  roles ro;
  char addr[VBOX_ADDR_MAX];   /* lower-cased */
  size_t at;                  /* offset of '@' in addr */
  char hash[USER_HASH_MAX];   /* the password's hash, "" for none */
};

typedef void user_cmd(user_ctx *, int argc, char const *const *argv);
user_cmd user_add, user_del, user_list, user_path, user_passwd;

/* pwfile.c: passwords (DIR/mailboxes/.passwd). */
/* Hashes password into ctx->hash; dies on a bad password. */
void pw_hash(user_ctx *, char const *password);
/* The same for the first line of standard input. */
void pw_stdin(user_ctx *);
/* The same for an argument, which is then wiped from memory. */
void pw_arg(user_ctx *, char *password);
/* As posta-v: sets ctx->addr's hash to ctx->hash, or removes it when
 * ctx->hash is "". */
void pwfile_set(user_ctx *);

/* ctlfile.c: adds domain to a list file in control/ unless it holds it
 * already (no case); a missing file starts from control/me, its qmail
 * default. 1 added, 0 already there; dies on error. */
int ctlfile_add(char const *fn, char const *domain);
/* ctlfile.c: 1 when the list file holds domain (no case). Dies on error. */
int ctlfile_has(char const *fn, char const *domain);

/* linefile.c: appends the file fn (at most max bytes) to sa, with a
 * newline after a last line that lacks one: 1 read, 0 fn does not exist.
 * Dies on any other error. */
int linefile_read(char const *fn, size_t max, stralloc *sa);

/* vlist.c: the list of addresses and its cdb. */
/* 1 when the list holds ctx's address; dies on error. */
int vlist_has(user_ctx *);
/* Adds (add 1) or removes (add 0) addr, rewrites the list and the cdb.
 * 1 changed, 0 nothing to do; dies on error. */
int vlist_change(char const *addr, int add);
/* Writes every address of the list on stdout; dies on error. */
void vlist_print(void);

/* assignfile.c: root's record of mailboxes in users/assign. */
/* 1 when users/assign has the mailbox line of ctx's address. */
int assignfile_has(user_ctx const *);
/* Adds (1) or removes (0) its lines, rewrites users/assign, rebuilds
 * users/cdb. 1 changed, 0 nothing to do; dies on error. */
int assignfile_change(user_ctx *, int add);
/* Prints the addresses of the mailbox lines of users/assign. */
void assignfile_print(user_ctx const *);

/* asv.c: runs f(ctx) as posta-v: directly when already posta-v, in a
 * child dropped to posta-v when root. Dies when f failed. */
void asv_run(user_ctx *, void (*f)(user_ctx *));
/* asv.c: f(ctx) as posta-v (in a child when root); 1 when it returned
 * true. Dies when the child crashed. */
int asv_test(user_ctx *, int (*f)(user_ctx *));
/* asv.c: creates the mailbox folders of ctx->addr (as posta-v). */
void asv_mkbox(user_ctx *);
/* asv.c: takes the lock on DIR/mailboxes (creating it, as root, when it is
 * missing). */
void asv_lock(user_ctx *);

#endif
