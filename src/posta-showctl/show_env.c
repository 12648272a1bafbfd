/* show_env: the variables an operator set for the services, in
 * svc/SERVICE/env/ (each run script reads it with s6-envdir -I: a file's
 * first line is the value, an empty file unsets the variable). See
 * showctl.h. Never exits; never writes. */
#include "posta-showctl/showctl.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/control.h"

static char const *const services[] = { "posta-send", "posta-smtpd", "posta-submission", "posta-smtps" };

static int by_name(void const *a, void const *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int one(stralloc *out, char const *service, char const *var)
{
  char fn[512], name[300], buf[1024];
  snprintf(fn, sizeof fn, "svc/%s/env/%s", service, var);
  snprintf(name, sizeof name, "%s:%s", service, var);
  int r = control_line(fn, buf, sizeof buf, 0);
  if (r <= 0) return 0;
  stralloc v = STRALLOC_ZERO;
  r = showctl_escape(&v, buf, strlen(buf), 1) < 0 ? -1 : showctl_line(out, name, fn, v.s, v.len);
  stralloc_free(&v);
  return r;
}

static int service_env(stralloc *out, char const *service)
{
  char dir[128], *names[256];
  size_t n = 0;
  struct dirent *d;
  int r = 0;
  snprintf(dir, sizeof dir, "svc/%s/env", service);
  DIR *dp = opendir(dir);
  if (!dp) return errno == ENOENT ? 0 : -1;
  while ((d = readdir(dp)) && n < sizeof names / sizeof *names)
    if (d->d_name[0] != '.' && !(names[n++] = strdup(d->d_name))) { n--; r = -1; break; }
  closedir(dp);
  qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    if (!r && one(out, service, names[i]) < 0) r = -1;
    free(names[i]);
  }
  return r;
}

int showctl_env(stralloc *out)
{
  for (size_t i = 0; i < sizeof services / sizeof *services; i++)
    if (service_env(out, services[i]) < 0) return -1;
  return 0;
}
