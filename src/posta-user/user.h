/* user: posta-user's commands on virtual mailboxes (sk/vbox.h).
 *
 * add creates DIR/mailboxes/DOMAIN/LOCAL/Maildir/ owned by posta-v and
 * records the address: run by root, in users/assign, and rebuilds
 * users/cdb (CONTRACT.md); run by posta-v, which cannot write users/, in
 * mailboxes/.virtual, and rebuilds mailboxes/.virtual.cdb;
 * and adds the domain to control/locals and control/rcpthosts when they
 * lack it; del removes the address (the Maildir stays); list prints the
 * addresses; path prints an address's Maildir; quota sets or clears its
 * Maildir++ quota (quota.c). Every change is atomic
 * (write, fsync, rename, fsync the folder) and made under an exclusive
 * lock on DIR/mailboxes. Runs as root (dropping to posta-v for everything
 * under DIR/mailboxes) or as posta-v (which cannot add a new domain). The
 * commands exit through strerr: 100 for a bad address or a refused
 * request, 111 for a system error. */
#ifndef POSTA_USER_H
#define POSTA_USER_H

#include <stddef.h>

#include <skalibs/stralloc.h>

#include "common/mdsize.h"
#include "common/roles.h"
#include "sk/vbox.h"

#define USER_USAGE "posta-user add ADDRESS [-p PASSWORD|-p -] | passwd ADDRESS | del ADDRESS | list | path ADDRESS | import FILE|- | export | quota ADDRESS BYTES[,COUNT]|none"
#define USER_PASS_MAX 256     /* a password is shorter: posta-smtpd's limit */
#define USER_HASH_MAX 256

/* imptab.c: the mailboxes of an import or an export. Each entry's strings
 * are offsets in pool: its address (lower-cased, '@' at offset at) and
 * its hash (0: none). line is its line in the imported file. */
typedef struct impent_s impent;
struct impent_s {
  size_t addr, hash, at;
  unsigned line;
  int seen;
};
typedef struct imptab_s imptab;
struct imptab_s {
  stralloc pool;
  impent *e;
  size_t n, cap;
};
#define IMPTAB_ZERO { .pool = STRALLOC_ZERO, .e = 0, .n = 0, .cap = 0 }
/* Appends an entry (hash "" or 0: none): 0, or -1 (ENOMEM). */
int imptab_add(imptab *, char const *addr, size_t at, char const *hash, unsigned line);
/* Gives e the hash of n octets: 0, or -1 (ENOMEM). */
int imptab_sethash(imptab *, impent *e, char const *hash, size_t n);
/* Sorts by address (then line): needed before imptab_repeat and _find. */
void imptab_sort(imptab *);
/* The first line (in file order) that repeats an earlier line's address,
 * and *first that earlier line; 0 when none repeats. */
/* Keeps the first of the entries of one address (table sorted). */
void imptab_unique(imptab *);
unsigned imptab_repeat(imptab const *, unsigned *first);
/* The entry of the n-octet address addr (exact octets), or 0. */
impent *imptab_find(imptab const *, char const *addr, size_t n);
char const *imptab_addr(imptab const *, impent const *);
char const *imptab_hash(imptab const *, impent const *);   /* "" for none */
void imptab_free(imptab *);

typedef struct user_ctx_s user_ctx;
struct user_ctx_s {
  char const *home;
  roles ro;
  char addr[VBOX_ADDR_MAX];   /* lower-cased */
  size_t at;                  /* offset of '@' in addr */
  char hash[USER_HASH_MAX];   /* the password's hash, "" for none */
  imptab *imp;                /* import and export: the mailboxes */
  mdsize quota;               /* quota: the one to set */
};

/* impline.c: one line of an import file (doc: posta-user(8)). */
typedef struct impline_s impline;
struct impline_s {
  char addr[VBOX_ADDR_MAX];   /* lower-cased */
  size_t at;
  char hash[USER_HASH_MAX];   /* "" for none */
};
/* The n octets of line (without its LF): 1 a mailbox in *out, 0 a blank
 * or comment line, -1 a bad line (*why says why). */
int impline_parse(char const *line, size_t n, impline *out, char const **why);

typedef void user_cmd(user_ctx *, int argc, char const *const *argv);
user_cmd user_add, user_del, user_list, user_path, user_passwd, user_import, user_export, user_quota;
/* cmd.c, for import.c, export.c and quota.c */
void user_take_addr(user_ctx *, char const *arg);   /* dies on a bad one */
int user_has_box(user_ctx *);   /* 1 when the address is a mailbox */
int user_by_root(user_ctx const *);
void user_may_change(user_ctx const *);
void user_read_as_v(user_ctx *, void (*f)(user_ctx *));

/* The import's steps (asv.c, pwfile.c, vlist.c, assignfile.c), each one
 * rewrite for the whole
 * table c->imp (sorted). As posta-v: the Maildirs (then syncfs once), the
 * passwords, posta-v's list. */
void asv_mkboxes(user_ctx *);
void pwfile_import(user_ctx *);
void vlist_import(user_ctx *);
/* As root: users/assign and users/cdb. */
void assignfile_import(user_ctx *);
/* Export's collectors: adds the addresses of users/assign's mailbox lines,
 * of posta-v's list, and (table sorted) the hashes of mailboxes/.passwd. */
void assignfile_collect(user_ctx *);
void vlist_collect(user_ctx *);
void pwfile_hashes(user_ctx *);
/* ctlfile.c: the domains among doms[0..n) that the list file lacks: their
 * count; with write, they are added (one rewrite). Dies on error. */
size_t ctlfile_merge(char const *fn, char const *const *doms, size_t n, int write);

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
