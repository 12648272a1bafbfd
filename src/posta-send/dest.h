/* dest: remote destinations (domains), their back-off and concurrency;
 * and local mailboxes, their concurrency alone.
 *
 * Retry state is kept per destination as well as per message: when a
 * delivery to a domain fails in a way that says the destination is down,
 * the domain is closed until its next try (control/retryschedule, counted
 * in failures of the domain), and then reopened to one delivery at a time
 * (a probe) until one succeeds. So a dead domain gets one connection
 * attempt per retry, not one per queued message. The table is in memory
 * only: a restart forgets it, and costs at most one round of
 * control/concurrencydomain attempts per dead domain.
 *
 * libc only; dest_get returns 0 (ENOMEM) when it cannot allocate. */
#ifndef POSTA_SEND_DEST_H
#define POSTA_SEND_DEST_H

#include <stddef.h>
#include <stdint.h>

#include "posta-send/idq.h"
#include "posta-send/retrysched.h"

#define DEST_CONCURRENCY_DEFAULT 10
#define DEST_NAME_MAX 255

typedef struct dest_s dest;
struct dest_s {
  dest *next;          /* hash chain */
  uint32_t fails;      /* destination failures in a row */
  uint64_t next_try;   /* closed before this time; 0 open */
  unsigned inflight;   /* deliveries to it in flight */
  idq waiters;         /* messages waiting for a free slot of it */
  char name[];         /* the domain, lower-cased */
};

typedef struct desttab_s desttab;
struct desttab_s {
  dest **b;
  size_t nb;           /* buckets, 0 or a power of two */
  size_t n;            /* destinations */
};
#define DESTTAB_ZERO { 0, 0, 0 }

/* What one delivery's results say about its destination. */
enum dest_verdict {
  DEST_ALIVE,          /* a K or a D: the destination answered */
  DEST_NEUTRAL,        /* only temporary failures about the recipients */
  DEST_DOWN,           /* every result temporary, none about a recipient */
};

/* The destination part of an address: after its last '@' ("" without). */
char const *dest_domain(char const *addr, size_t *len);
/* The mailbox a local address goes to, as far as posta-send can tell: its
 * local part up to the first '-' (the user without the extension: every
 * extension of one user, and a whole virtual domain, share it), '@', its
 * domain; at most DEST_NAME_MAX bytes written to buf (size > DEST_NAME_MAX).
 * Its length. A table of these counts the deliveries in flight to each
 * mailbox (control/concurrencymailbox); they never get a verdict. */
size_t dest_mailbox(char const *addr, char *buf, size_t size);
dest *dest_find(desttab const *, char const *name, size_t len);
dest *dest_get(desttab *, char const *name, size_t len);
/* How many deliveries it may have in flight: conf when healthy, 1 (the
 * probe) after a failure. */
unsigned dest_limit(dest const *, unsigned conf);
/* 0 a delivery may start now; else the time it reopens (closed), or 1 when
 * it is open but at its limit (busy). forced (SIGALRM) ignores closing. */
uint64_t dest_blocked(dest const *, unsigned conf, uint64_t now, int forced);
/* Reads the results of one delivery (RESULT lines of doc/protocols.md). */
enum dest_verdict dest_verdict(char const *const *results, size_t n);
/* Applies a verdict: DEST_DOWN closes it (counting one failure per closing,
 * however many deliveries were in flight), DEST_ALIVE resets it. */
void dest_record(dest *, enum dest_verdict, uint64_t now, retrysched const *);
/* Frees the destinations that remember nothing useful: nothing in flight,
 * nobody waiting, and healthy or reopened for more than a day. */
void dest_sweep(desttab *, uint64_t now);
/* Reopens every destination (SIGALRM); failures are kept. */
void dest_reopen_all(desttab *);
void dest_free_all(desttab *);

#endif
