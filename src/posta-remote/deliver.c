/* deliver: route, plan, connect, transact. See deliver.h. */
#include "posta-remote/deliver.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "posta-remote/ipaddr.h"
#include "posta-remote/smtpc.h"
#include "posta-remote/smtproutes.h"
#include "posta-remote/tlsc.h"
#include "posta-remote/txn.h"

typedef struct outcome_map_s outcome_map;
struct outcome_map_s {
  enum plan_outcome outcome;
  char kind;
  char const *status;
};

static outcome_map const outcomes[] = {
  { PLAN_TEMP, 'Z', "4.4.3" },
  { PLAN_NXDOMAIN, 'D', "5.1.2" },
  { PLAN_NOHOST, 'D', "5.1.2" },
  { PLAN_NULLMX, 'D', "5.1.10" },
  { PLAN_LOOP, 'D', "5.4.6" },
  { PLAN_BADADDR, 'D', "5.1.2" },
};

static void settle_plan(job *j, plan const *p)
{
  for (size_t i = 0; i < sizeof outcomes / sizeof *outcomes; i++)
    if (outcomes[i].outcome == p->outcome) {
      job_settle(j, outcomes[i].kind, outcomes[i].status, "-", p->why);
      return;
    }
  job_settle(j, 'Z', "4.3.0", "-", p->why);
}

static void note(job *j, char const *mta, char const *fmt, char const *what)
{
  resultline_textf(j->last, sizeof j->last, fmt, mta, what);
  j->lastmta[0] = 0;
}

static char const *connect_error(int e)
{
  return e == ETIMEDOUT ? "connection timed out" : e == ECONNREFUSED ? "connection refused" : strerror(e);
}

/* Connects to t and says EHLO: 0 with c ready, or -1 (noted: the next
 * target). */
static int open_target(job *j, plan_target const *t, smtpc *c, char const *mta)
{
  uint64_t now = (uint64_t)time(0), until;
  if (tcpto_dead(&j->tcpto, t->ip, t->port, now, &until)) {
    note(j, mta, "%s %s", "not tried: it failed to connect a short while ago (remote/tcpto)");
    return -1;
  }
  int fd = netio_connect(t->ip, t->port, j->timeoutconnect);
  if (fd < 0) {
    int e = errno;
    if (e == ETIMEDOUT || e == ECONNREFUSED) tcpto_fail(&j->tcpto, t->ip, t->port, now);
    note(j, mta, "%s %s", connect_error(e));
    return -1;
  }
  tcpto_ok(&j->tcpto, t->ip, t->port);
  smtpc_init(c, fd, j->timeoutremote, mta);
  int r = smtpc_hello(c, j->helo);
  if (r < 0) {
    note(j, mta, "%s %s", errno == ETIMEDOUT ? "timed out before the transaction"
                          : errno == EPROTO ? "sent a malformed greeting or EHLO reply"
                          : "closed the connection before the transaction");
    smtpc_drop(c);
    return -1;
  }
  if (r) {
    resultline_textf(j->last, sizeof j->last, "%s refused us: %s", mta, c->reply.text);
    resultline_textf(j->lastmta, sizeof j->lastmta, "%s", mta);
    if (c->reply.code / 100 == 5) j->refused5++;
    resultline_status(j->laststatus, c->reply.code, c->reply.text);
    smtpc_quit(c);
    return -1;
  }
  return 0;
}

/* 1 when this target settled the job, 0 to try the next one. A failed
 * TLS handshake, when TLS is not required, gets one more connection, in
 * plain text (tlsc.h). */
static int try_target(job *j, plan_target const *t)
{
  char ip[IPADDR_FMT], mta[RESULT_MTA_MAX];
  smtpc c;
  ipaddr_fmt(ip, t->ip);
  resultline_mta(mta, t->host, ip);
  j->tried++;
  for (int plain = 0; plain < 2; plain++) {
    if (open_target(j, t, &c, mta) < 0) return 0;
    int r = tlsc_step(j, &c, plain, t->host, ip);
    if (r == TLSC_PLAIN) continue;
    if (r == TLSC_NEXT) return 0;
    txn_run(j, &c);
    return 1;
  }
  return 0;
}

static void nothing_worked(job *j)
{
  char text[RESULT_TEXT_MAX + 1];
  if (j->tried && j->refused5 == j->tried && !j->tlsmissed) {
    job_settle(j, 'D', j->laststatus, j->lastmta, j->last);
    return;
  }
  resultline_textf(text, sizeof text, "no exchanger of %s took the message (%u tried); last: %s", j->domain, j->tried, j->last);
  job_settle(j, 'Z', j->tlsmissed ? "4.7.5" : "4.4.1", j->lastmta[0] ? j->lastmta : "-", text);
}

/* The plan for the job's domain, or 0 (settled). */
static plan *make_plan(job *j, plan_dns const *dns)
{
  smtproute route;
  char const *line = 0;
  char text[RESULT_TEXT_MAX + 1];
  int rr = smtproutes_find(j->routes, j->routeslen, j->domain, &route, &line);
  if (rr < 0) {
    resultline_textf(text, sizeof text, "control/smtproutes: malformed line: %s", line);
    job_settle(j, 'Z', "4.3.5", "-", text);
    return 0;
  }
  plan *p = malloc(sizeof *p);
  if (!p || plan_build(p, j->domain, rr ? &route : 0, dns) < 0) {
    free(p);
    job_settle(j, 'Z', "4.3.0", "-", "posta-remote: out of memory");
    return 0;
  }
  return p;
}

void deliver_run(job *j, plan_dns const *dns)
{
  char text[RESULT_TEXT_MAX + 1];
  plan *p = make_plan(j, dns);
  if (!p) return;
  /* what the plan says first (a malformed literal is 5.1.2), then, before
   * any connection, the addresses and the TLS policy */
  if (p->outcome != PLAN_OK) settle_plan(j, p);
  else if (!txn_check(j)) ;
  else if (tlsc_prepare(j, text, sizeof text) < 0) job_settle(j, 'Z', "4.3.5", "-", text);
  else {
    for (unsigned int i = 0; i < p->n; i++)
      if (try_target(j, &p->t[i])) break;
    if (job_pending(j)) nothing_worked(j);
  }
  free(p);
}
