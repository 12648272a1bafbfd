/* remoterun: posta-remote from settings to results. See remoterun.h. */
#include "posta-remote/remoterun.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owf/dnsq.h"
#include "posta-remote/config.h"
#include "posta-remote/deliver.h"
#include "posta-remote/job.h"
#include "posta-remote/resolve.h"
#include "posta-remote/tlsc.h"

/* The home's folder posta-r may write in (posta-setup creates it). */
#define TCPTO_FILE "remote/tcpto"

static void failed(job *j, char const *what, int e)
{
  char text[RESULT_TEXT_MAX + 1];
  resultline_textf(text, sizeof text, "posta-remote: unable to %s: %s", what, strerror(e));
  job_settle(j, 'Z', "4.3.0", "-", text);
}

static void work(job *j)
{
  char const *what = "";
  char whatbuf[64];
  plan_dns dns;
  if (config_load(j, &what) < 0) {
    resultline_textf(whatbuf, sizeof whatbuf, "read %s", what);
    failed(j, whatbuf, errno);
    return;
  }
  if (msgbody_load(&j->msg, 0) < 0) { failed(j, "read the message", errno); return; }
  if (ipme_load(&j->self) < 0) j->self.n = 0;
  char const *bad = "";
  if (ipme_more(&j->self, j->moreipme, j->moreipmelen, &bad) < 0) {
    char text[RESULT_TEXT_MAX + 1];
    resultline_textf(text, sizeof text, "control/moreipme: %s: %s",
                 errno == E2BIG ? "too many addresses, from" : "malformed line", bad);
    job_settle(j, 'Z', "4.3.5", "-", text);
    return;
  }
  tcpto_open(&j->tcpto, TCPTO_FILE);
  dnsq_init();
  resolve_init(&dns, j);
  deliver_run(j, &dns);
}

int remoterun_run(char const *host, char const *sender, char const *const *rcpts, unsigned int n)
{
  job *j = calloc(1, sizeof *j);
  if (!j || !(j->r = calloc(n, sizeof *j->r))) return -1;
  signal(SIGPIPE, SIG_IGN);
  j->domain = host;
  j->sender = sender;
  j->n = n;
  j->tcpto.fd = -1;
  for (unsigned int i = 0; i < n; i++) j->r[i].addr = rcpts[i];
  work(j);
  int r = job_report(j, 1);
  int e = errno;
  msgbody_free(&j->msg);
  tcpto_close(&j->tcpto);
  free(j->routes);
  free(j->tlsdest);
  free(j->moreipme);
  tlsc_free(j);
  free(j->r);
  free(j);
  errno = e;
  return r;
}
