/* rspawn_req: parse one request packet of the spawn protocol
 * (doc/protocols.md):
 *
 *   SLOT NUL ID NUL SENDER NUL RCPT NUL [RCPT NUL ...]
 *
 * SLOT and ID are decimal; every RCPT has a domain, the same for all of
 * them (compared without case): it is the HOST posta-remote gets. At most
 * RSPAWN_RCPT_MAX recipients and RSPAWN_REQ_MAX bytes.
 *
 * Pure: the request's strings point into the packet; never allocates. */
#ifndef POSTA_RSPAWN_REQ_H
#define POSTA_RSPAWN_REQ_H

#include <stddef.h>

#define RSPAWN_RCPT_MAX 100
#define RSPAWN_REQ_MAX (128 * 1024)
#define RSPAWN_SLOT_LIMIT 1000000

typedef struct rspawn_req_s rspawn_req;
struct rspawn_req_s {
  unsigned long slot;
  char const *id;
  char const *sender;
  char const *rcpt[RSPAWN_RCPT_MAX];
  unsigned int n;        /* recipients kept in rcpt */
  unsigned int ntotal;   /* recipients in the packet, even beyond the limit */
  char const *host;      /* the recipients' domain */
};

/* 0: a request to run. -1: a request to refuse, but whose slot and
 * recipients are known (answer Z for each of ntotal); -2: not even the slot
 * can be read (nothing to answer). *why says what is wrong. */
int rspawn_req_parse(rspawn_req *, char const *buf, size_t len, char const **why);

#endif
