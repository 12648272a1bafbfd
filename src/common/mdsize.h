/* mdsize: Maildir++ quotas, the maildirsize file that Dovecot reads too.
 *
 * DIR/maildirsize (DIR a Maildir, its path ending in '/'): a first line
 * defining the quota, "NNNS" (bytes), "NNNC" (messages) or both joined
 * by ',' (0 or an absent letter: no limit of that kind), then lines
 * "BYTES COUNT" (signed decimals, spaces around them), each added by one
 * O_APPEND write; the usage is their sum. The file is recalculated (the
 * Maildir's new/ and cur/ and those of its .FOLDERs summed, written to a
 * temporary name and renamed over it) when it is larger than MDSIZE_MAX,
 * when a usage line is malformed, or when the sum says "over quota" and
 * the file is older than MDSIZE_STALE seconds (a message of the size
 * the reader asks about would not fit). A missing file, or one
 * whose first line is not a quota definition, means no quota: a broken
 * file never refuses mail. libc only; never exits, never prints. */
#ifndef POSTA_MDSIZE_H
#define POSTA_MDSIZE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MDSIZE_MAX 5120
#define MDSIZE_STALE 900
#define MDSIZE_DEF_MAX 64

typedef struct mdsize_s mdsize;
struct mdsize_s {
  uint64_t qbytes, qcount;   /* the quota; 0: no limit */
  int64_t bytes, count;      /* the usage */
};

/* The n octets of a definition line (no LF): 0, or -1 malformed. */
int mdsize_def(char const *s, size_t n, mdsize *m);
/* "NNNS[,NNNC]" of m's quota into buf (MDSIZE_DEF_MAX): its length. */
size_t mdsize_fmtdef(char *buf, mdsize const *m);
/* A whole file's n octets: 1 quota and usage, 0 no quota, 2 a quota
 * whose usage must be recalculated (a usage line is malformed). */
int mdsize_parse(char const *s, size_t n, mdsize *m);
/* 1 when adding bytes and count would exceed the quota. */
int mdsize_over(mdsize const *m, uint64_t bytes, uint64_t count);
/* Sums the Maildir dir's messages into m's usage: 0, or -1 (errno). */
int mdsize_fs_scan(char const *dir, mdsize *m);
/* Writes dir's maildirsize anew (definition, usage), mode mode: 0/-1. */
int mdsize_fs_write(char const *dir, mdsize const *m, mode_t mode);
/* Reads dir's maildirsize (O_NOFOLLOW, O_NONBLOCK), recalculating it when
 * needed (need: the size of the message the reader would add) and fix is
 * set: 1 a quota in *m, 0 no quota, -1 error (errno);
 * without fix, 2 when the usage would need recalculating (not to be
 * trusted: a reader that cannot fix it takes the mailbox for not full). */
int mdsize_fs_load(char const *dir, mdsize *m, uint64_t need, int fix);
/* Appends "BYTES 1\n" in one write: 0, or -1 (errno). */
int mdsize_fs_add(char const *dir, uint64_t bytes);

#endif
