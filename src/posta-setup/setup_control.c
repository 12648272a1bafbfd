/* setup_control: the settings an instance needs from the start, written
 * only when missing or when posta-setup was told a new value (-s, -m, -i):
 * control/me (the host's name, setup_names.c), locals and rcpthosts (me
 * and localhost), smtplisten, submissionlisten and smtpslisten (port 465);
 * then the tcprules cdbs, rebuilt when their source is newer. Never rewrites an operator's setting otherwise. */
#include "posta-setup/setup.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/durable.h"

static int control_set(setup const *s, char const *name, char const *value, int force)
{
  char path[PATH_MAX], tmp[PATH_MAX];
  uid_t uid = s->r.single ? s->r.uid[ROLE_Q] : 0;
  gid_t gid = s->r.single ? s->r.gid[ROLE_Q] : 0;
  if (setup_path(path, sizeof path, s->home, name) < 0) return -1;
  if (!force) return setup_write_new(path, value, uid, gid, 0644);
  if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) return -1;
  if (durable_replace(path, tmp, value, strlen(value), 0644) < 0) {
    strerr_warnwu2sys("write ", path);
    return -1;
  }
  return setup_own(path, uid, gid, 0644);
}

static int tcprules(setup const *s, char const *name)
{
  char src[PATH_MAX], cdb[PATH_MAX], tmp[PATH_MAX];
  struct stat ss, cs;
  if ((size_t)snprintf(src, sizeof src, "%s/control/%s", s->home, name) >= sizeof src) return -1;
  if ((size_t)snprintf(cdb, sizeof cdb, "%s.cdb", src) >= sizeof cdb) return -1;
  if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", src) >= sizeof tmp) return -1;
  if (stat(src, &ss) < 0) return 0;
  if (stat(cdb, &cs) == 0 && cs.st_mtime > ss.st_mtime) return 0;
  /* tcprules reads the rules on stdin */
  char const *argv[] = { "tcprules", cdb, tmp, 0 };
  if (setup_run(argv, src) < 0) return -1;
  return setup_own(cdb, s->r.single ? s->r.uid[ROLE_Q] : 0, s->r.single ? s->r.gid[ROLE_Q] : 0, 0644);
}

int setup_control(setup const *s)
{
  char host[256], buf[512];
  int ok = 0;
  setup_me(host, sizeof host);
  snprintf(buf, sizeof buf, "%s\n", host);
  if (control_set(s, "control/me", buf, 0) < 0) ok = -1;
  snprintf(buf, sizeof buf, "%s\nlocalhost\n", host);
  if (control_set(s, "control/locals", buf, 0) < 0) ok = -1;
  if (control_set(s, "control/rcpthosts", buf, 0) < 0) ok = -1;
  snprintf(buf, sizeof buf, "%s %s\n", s->listen_ip ? s->listen_ip : "0.0.0.0", s->smtp_port ? s->smtp_port : "25");
  if (control_set(s, "control/smtplisten", buf, s->listen_ip || s->smtp_port) < 0) ok = -1;
  snprintf(buf, sizeof buf, "%s %s\n", s->listen_ip ? s->listen_ip : "0.0.0.0", s->sub_port ? s->sub_port : "587");
  if (control_set(s, "control/submissionlisten", buf, s->listen_ip || s->sub_port) < 0) ok = -1;
  snprintf(buf, sizeof buf, "%s 465\n", s->listen_ip ? s->listen_ip : "0.0.0.0");
  if (control_set(s, "control/smtpslisten", buf, !!s->listen_ip) < 0) ok = -1;
  if (tcprules(s, "tcp.smtp") < 0) ok = -1;
  if (tcprules(s, "tcp.submission") < 0) ok = -1;
  return ok;
}
