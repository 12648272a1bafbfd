/* setup_svc: writes DIR/svc from the templates built in from svc/ (tools/gen-svc),
 * with the instance's home and users filled in. Run scripts are posta's, so
 * they are rewritten on every run; each service's env/ folder belongs to
 * the operator and is only created when missing. */
#include "posta-setup/setup.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <skalibs/strerr.h>

#include "common/durable.h"
#include "svc_templates.h"

/* mkdir -p for the folders of a template path under svc/ */
static int parents(char const *svcdir, char const *rel, uid_t uid, gid_t gid)
{
  char path[PATH_MAX];
  char const *slash = rel;
  while ((slash = strchr(slash, '/'))) {
    if ((size_t)snprintf(path, sizeof path, "%s/%.*s", svcdir, (int)(slash - rel), rel) >= sizeof path) return -1;
    if (mkdir(path, 0755) < 0 && errno != EEXIST) { strerr_warnwu2sys("mkdir ", path); return -1; }
    if (setup_own(path, uid, gid, 0755) < 0) return -1;
    slash++;
  }
  return 0;
}

static int env_dirs(char const *svcdir, uid_t uid, gid_t gid)
{
  static char const *const services[] = { "posta-send", "posta-injectd", "posta-smtpd", "posta-submission", "posta-smtps" };
  for (unsigned i = 0; i < sizeof services / sizeof *services; i++) {
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s/env", svcdir, services[i]);
    if (mkdir(path, 0755) == 0) {
      if (setup_own(path, uid, gid, 0755) < 0) return -1;
    } else if (errno != EEXIST) {
      strerr_warnwu2sys("mkdir ", path);
      return -1;
    }
  }
  return 0;
}

int setup_svc(setup const *s)
{
  char svcdir[PATH_MAX];
  uid_t uid = s->r.single ? s->r.uid[ROLE_Q] : 0;
  gid_t gid = s->r.single ? s->r.gid[ROLE_Q] : 0;
  setup_subst subs[4] = { { "@HOME@", "" }, { "@ENVUIDGID_D@", "" }, { "@TCPSERVER_U@", "" }, { "@SETUIDGID_L@", "" } };
  snprintf(subs[0].value, sizeof subs[0].value, "%s", s->home);
  if (!s->r.single) {
    snprintf(subs[1].value, sizeof subs[1].value, "s6-envuidgid %s", roles_name(ROLE_D));
    snprintf(subs[2].value, sizeof subs[2].value, "-U");
    snprintf(subs[3].value, sizeof subs[3].value, "s6-setuidgid %s", roles_name(ROLE_L));
  }
  if (setup_path(svcdir, sizeof svcdir, s->home, "svc") < 0) return -1;
  for (unsigned i = 0; i < sizeof svc_templates / sizeof *svc_templates; i++) {
    char path[PATH_MAX], tmp[PATH_MAX];
    char const *rel = svc_templates[i].path;
    if (parents(svcdir, rel, uid, gid) < 0) return -1;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", svcdir, rel) >= sizeof path) return -1;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) return -1;
    char *text = setup_expand(svc_templates[i].text, subs, 4);
    if (!text) { strerr_warnwu2sys("expand the template of ", path); return -1; }
    int r = durable_replace(path, tmp, text, strlen(text), svc_templates[i].mode);
    free(text);
    if (r < 0) { strerr_warnwu2sys("write ", path); return -1; }
    if (setup_own(path, uid, gid, svc_templates[i].mode) < 0) return -1;
  }
  return env_dirs(svcdir, uid, gid);
}
