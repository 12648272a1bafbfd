/* setup_check: posta-setup -c. Compares an instance with the install table
 * and names, on stdout, every entry that is missing or has the wrong type,
 * owner, group or mode, and posta-d's group when it is not posta-d's alone
 * (posta-checkpw's group), then the mailboxes and the key (setup_mail.c).
 * Reads only, and looks at each entry from its
 * parent folder's descriptor (setup_walk) without following a link, as
 * posta-setup does; returns the number of problems. */
#include "posta-setup/setup.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"

static int type_ok(inst_entry const *e, mode_t m)
{
  switch (e->type) {
    case INST_DIR:
    case INST_SPLITDIR: return S_ISDIR(m);
    case INST_FIFO: return S_ISFIFO(m);
    case INST_PROG:
    case INST_FILE: return S_ISREG(m);
  }
  return 0;
}

static unsigned check_at(int dir, char const *name, char const *path, inst_entry const *e, roles const *r)
{
  struct stat st;
  unsigned bad = 0;
  if (dir < 0 || fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    printf("%s: missing\n", path);
    return 1;
  }
  if (!type_ok(e, st.st_mode)) {
    printf("%s: wrong type\n", path);
    return 1;
  }
  if (st.st_uid != inst_uid(e, r)) {
    printf("%s: owner is uid %u, should be %u\n", path, (unsigned)st.st_uid, (unsigned)inst_uid(e, r));
    bad++;
  }
  if (st.st_gid != inst_gid(e, r)) {
    printf("%s: group is gid %u, should be %u\n", path, (unsigned)st.st_gid, (unsigned)inst_gid(e, r));
    bad++;
  }
  if ((st.st_mode & 07777) != inst_mode(e, r)) {
    printf("%s: mode is %04o, should be %04o\n", path, (unsigned)(st.st_mode & 07777), (unsigned)inst_mode(e, r));
    bad++;
  }
  return bad;
}

/* posta-checkpw's group is posta-d's, and must be posta-d's alone: no
 * other user of the instance has it, as its own or as a supplementary one. */
static unsigned check_group_d(roles const *r)
{
  gid_t g = r->gid[ROLE_D];
  int shared = g == r->gid_posta || g == r->gid_nofiles;
  if (r->single) return 0;
  for (unsigned i = 0; i < ROLE_N; i++) shared |= i != ROLE_D && r->gid[i] == g;
  errno = 0;
  struct group *gr = getgrgid(g);
  for (char **m = gr ? gr->gr_mem : 0; m && *m; m++) shared |= strcmp(*m, roles_name(ROLE_D)) != 0;
  if (!shared) return 0;
  printf("user %s: its group (gid %u) is not its own, so others may run bin/posta-checkpw\n",
         roles_name(ROLE_D), (unsigned)g);
  return 1;
}

static unsigned check_one(int home, char const *hpath, inst_entry const *e, roles const *r)
{
  char path[PATH_MAX];
  char const *name = ".";
  unsigned bad;
  if (setup_path(path, sizeof path, hpath, e->path) < 0) return 1;
  int dir = *e->path ? setup_walk(home, e->path, &name) : dup(home);
  bad = check_at(dir, name, path, e, r);
  if (e->type == INST_SPLITDIR) {
    int split = dir < 0 ? -1 : openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    for (unsigned j = 0; j < CONF_SPLIT; j++) {
      char sub[PATH_MAX + 16], num[16];
      snprintf(sub, sizeof sub, "%s/%u", path, j);
      snprintf(num, sizeof num, "%u", j);
      bad += check_at(split, num, sub, e, r);
    }
    if (split >= 0) close(split);
  }
  if (dir >= 0) close(dir);
  return bad;
}

unsigned setup_check(char const *home, roles const *r)
{
  unsigned bad = check_group_d(r);
  int fd = open(home, O_PATH | O_DIRECTORY | O_CLOEXEC);
  for (unsigned i = 0; i < inst_table_len; i++)
    bad += check_one(fd, home, &inst_table[i], r);
  bad += setup_check_mail(fd, home, r);
  if (fd >= 0) close(fd);
  return bad;
}
