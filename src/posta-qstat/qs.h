/* qs: posta-qstat -d, the queue in numbers: held and removed messages,
 * notices waiting, recipients by channel and state, the next attempt, and
 * the remote domains with the most pending recipients with their last
 * result. qs_tally.c is pure (records in, numbers out); qs_scan.c reads
 * every message's info, local and remote records (so -d costs a read of
 * the whole queue; without it posta-qstat only counts file names);
 * qs_print.c writes the lines. Nothing here writes to the queue. */
#ifndef POSTA_QS_H
#define POSTA_QS_H

#include <stddef.h>
#include <stdint.h>

#include <skalibs/stralloc.h>

#define QS_DOMAINS_MAX 4096      /* domains told apart; the rest are "others" */
#define QS_DOMAINS_SHOWN 10
#define QS_DOMAIN_LEN 256
#define QS_RESULT_LEN 200

typedef struct qs_dom_s qs_dom;
struct qs_dom_s {
  char name[QS_DOMAIN_LEN];      /* lower case */
  uint64_t n;                    /* pending recipients */
  uint64_t next;                 /* earliest next attempt */
  char e[QS_RESULT_LEN];         /* the last result of one of them */
};

typedef struct qs_tally_s qs_tally;
struct qs_tally_s {
  uint64_t held, removing, unreadable;
  uint64_t rc[2][3];             /* [local, remote][pending, delivered, bounced] */
  uint64_t next;                 /* earliest next attempt of a pending recipient; UINT64_MAX none */
  qs_dom *doms;
  size_t ndoms, adoms;
  uint64_t others;               /* pending remote recipients beyond QS_DOMAINS_MAX domains */
};
#define QS_TALLY_ZERO { 0, 0, 0, { { 0 } }, UINT64_MAX, 0, 0, 0, 0 }

/* qs_tally.c: 0, or -1 with errno (EPROTO: not a whole record; ENOMEM). */
int qs_tally_info(qs_tally *, char const *buf, size_t len);
int qs_tally_rcpts(qs_tally *, int remote, char const *buf, size_t len);
/* Sorts the domains, most pending recipients first. */
void qs_tally_sort(qs_tally *);
void qs_tally_free(qs_tally *);

/* qs_scan.c: every preprocessed message of the queue; 0 or -1 (errno). */
int qs_scan(qs_tally *);

/* qs_print.c: the lines of -d; 0 or -1 (ENOMEM). */
int qs_print(stralloc *out, qs_tally const *, uint64_t bounces, uint64_t delays, uint64_t requests);

#endif
