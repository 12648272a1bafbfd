/* roles: uids and gids of an instance's roles. See roles.h. */
#include "common/roles.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/stat.h>

#include "conf.h"

static char const *const names[ROLE_N + 2] = {
  CONF_POSTA_ALIAS, CONF_POSTA_D, CONF_POSTA_L, CONF_POSTA_Q,
  CONF_POSTA_R, CONF_POSTA_S, CONF_POSTA_V, CONF_GROUP_POSTA, CONF_GROUP_NOFILES,
};

char const *roles_name(unsigned i)
{
  return i < ROLE_N + 2 ? names[i] : 0;
}

void roles_single(roles *r, uid_t uid, gid_t gid)
{
  for (unsigned i = 0; i < ROLE_N; i++) {
    r->uid[i] = uid;
    r->gid[i] = gid;
  }
  r->gid_posta = r->gid_nofiles = gid;
  r->single = 1;
}

int roles_system(roles *r)
{
  for (unsigned i = 0; i < ROLE_N; i++) {
    errno = 0;
    struct passwd *pw = getpwnam(names[i]);
    if (!pw) { if (!errno) errno = ENOENT; return -1; }
    r->uid[i] = pw->pw_uid;
    r->gid[i] = pw->pw_gid;
  }
  for (unsigned i = 0; i < 2; i++) {
    errno = 0;
    struct group *gr = getgrnam(names[ROLE_N + i]);
    if (!gr) { if (!errno) errno = ENOENT; return -1; }
    if (i) r->gid_nofiles = gr->gr_gid;
    else r->gid_posta = gr->gr_gid;
  }
  r->single = 0;
  return 0;
}

int roles_load(roles *r, char const *home)
{
  char path[PATH_MAX];
  struct stat st;
  struct passwd *pw;
  if ((size_t)snprintf(path, sizeof path, "%s/queue", home) >= sizeof path) { errno = ENAMETOOLONG; return -1; }
  if (stat(path, &st) < 0) return -1;
  r->home = home;
  errno = 0;
  pw = getpwnam(CONF_POSTA_Q);
  if (pw && pw->pw_uid == st.st_uid && st.st_uid != 0) {
    if (roles_system(r) < 0) return -1;
    r->home = home;
    return 0;
  }
  roles_single(r, st.st_uid, st.st_gid);
  r->home = home;
  return 0;
}
