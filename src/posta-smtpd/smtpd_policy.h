/* smtpd_policy: which domains this server takes mail for, and which senders
 * it refuses.
 *
 * control/rcpthosts and control/morercpthosts.cdb (qmail's meanings): a
 * domain is accepted when it is listed, or when one of its suffixes
 * starting at a dot is listed with that dot (".example.com" takes every
 * subdomain of example.com, not example.com itself). control/badmailfrom:
 * an address, or "@domain" for every address at that domain. Everything
 * compares without case. A missing file lists nothing: without rcpthosts,
 * only RELAYCLIENT clients and postmaster are accepted (qmail would relay
 * for everyone).
 *
 * Uses skalibs' cdb (mapped, not read into memory). Never exits. */
#ifndef POSTA_SMTPD_POLICY_H
#define POSTA_SMTPD_POLICY_H

#include <stddef.h>

#include <skalibs/cdb.h>

#define SMTPD_POLICY_FILEMAX (1 << 20)   /* rcpthosts, badmailfrom */

typedef struct smtpd_policy_s smtpd_policy;
struct smtpd_policy_s {
  char *rcpthosts;          /* items NUL-terminated, lower-cased */
  size_t rcpthosts_len;
  char *badmailfrom;
  size_t badmailfrom_len;
  cdb mrh;
  int mrh_open;
};

/* 0, or -1 with errno (EFBIG: a list over SMTPD_POLICY_FILEMAX). */
int smtpd_policy_load(smtpd_policy *);
void smtpd_policy_free(smtpd_policy *);
/* 1 when domain (lower-cased) is in rcpthosts or morercpthosts.cdb, 0 when
 * not, -1 when the cdb cannot be read. */
int smtpd_policy_rcpthost(smtpd_policy const *, char const *domain);
/* 1 when the sender address is listed in badmailfrom. */
int smtpd_policy_badmailfrom(smtpd_policy const *, char const *address);

#endif
