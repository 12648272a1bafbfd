/* job: one run of posta-remote: the domain, the sender, the recipients and
 * their results, the message, the settings.
 *
 * A recipient's result is set once: job_set on a recipient that already
 * has one does nothing, so that a later, vaguer failure never overwrites
 * the server's word. job_report prints one line per recipient in order;
 * one still without a result gets Z (it was never settled: say so). */
#ifndef POSTA_JOB_H
#define POSTA_JOB_H

#include <stddef.h>

struct tls_config;

#include "posta-remote/ipme.h"
#include "posta-remote/msgbody.h"
#include "posta-remote/resultline.h"
#include "posta-remote/tcpto.h"
#include "posta-remote/tlsdest.h"

typedef struct rcpt_s rcpt;
struct rcpt_s {
  char const *addr;
  char kind;          /* 0 while pending, then 'K', 'Z' or 'D' */
  int sent;           /* its RCPT went out in this transaction */
  int accepted;       /* the server said 2xx to its RCPT */
  char line[RESULT_LINE_MAX];
};

typedef struct job_s job;
struct job_s {
  char const *domain;
  char const *sender;
  rcpt *r;
  unsigned int n;
  msgbody msg;
  char me[256];
  char helo[256];
  unsigned int timeoutconnect;
  unsigned int timeoutremote;
  unsigned int timeoutdns;
  char *routes;              /* control/smtproutes, control_lines' form */
  size_t routeslen;
  char *tlsdest;             /* control/tlsdestinations, the same form */
  size_t tlsdestlen;
  char *moreipme;            /* control/moreipme, the same form */
  size_t moreipmelen;
  tlsdest tls;               /* the line of tlsdestinations for the domain */
  struct tls_config *tlsconf;   /* made at the first STARTTLS, or by tlsc_prepare */
  char tlsnote[100];         /* "VERSION CIPHER" of this transaction, "" in plain text */
  int tlsmissed;             /* a target was skipped for want of TLS */
  tcpto tcpto;
  ipme self;
  /* the targets tried so far, for the result when none worked */
  char last[RESULT_TEXT_MAX + 1];
  char lastmta[RESULT_MTA_MAX];
  unsigned int tried;        /* targets tried or skipped */
  unsigned int refused5;     /* of which refused us with a 5xx greeting */
  char laststatus[RESULT_STATUS_MAX];   /* the last refusal's status */
};

/* Sets recipient i's result, unless it has one. */
void job_set(job *, unsigned int i, char kind, char const *status, char const *mta, char const *text);
/* Sets every recipient still pending. */
void job_settle(job *, char kind, char const *status, char const *mta, char const *text);
/* Sets every pending recipient that the server accepted. */
void job_settle_accepted(job *, char kind, char const *status, char const *mta, char const *text);
/* Recipients still pending. */
unsigned int job_pending(job const *);
/* Prints the results on fd, one line each. 0, or -1 (errno). */
int job_report(job *, int fd);

#endif
