/* job: results of one run. See job.h. */
#include "posta-remote/job.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void job_set(job *j, unsigned int i, char kind, char const *status, char const *mta, char const *text)
{
  rcpt *r = &j->r[i];
  if (r->kind) return;
  resultline_format(r->line, sizeof r->line, kind, status, mta, text);
  r->kind = r->line[0];
}

void job_settle(job *j, char kind, char const *status, char const *mta, char const *text)
{
  for (unsigned int i = 0; i < j->n; i++) job_set(j, i, kind, status, mta, text);
}

void job_settle_accepted(job *j, char kind, char const *status, char const *mta, char const *text)
{
  for (unsigned int i = 0; i < j->n; i++)
    if (j->r[i].accepted) job_set(j, i, kind, status, mta, text);
}

unsigned int job_pending(job const *j)
{
  unsigned int n = 0;
  for (unsigned int i = 0; i < j->n; i++) n += !j->r[i].kind;
  return n;
}

static int write_all(int fd, char const *s, size_t n)
{
  while (n) {
    ssize_t w = write(fd, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    s += w;
    n -= (size_t)w;
  }
  return 0;
}

int job_report(job *j, int fd)
{
  job_settle(j, 'Z', "4.3.0", 0, "posta-remote: no result was reached for this recipient");
  for (unsigned int i = 0; i < j->n; i++) {
    rcpt *r = &j->r[i];
    size_t n = strlen(r->line);
    r->line[n] = '\n';
    int e = write_all(fd, r->line, n + 1);
    r->line[n] = 0;
    if (e < 0) return -1;
  }
  return 0;
}
