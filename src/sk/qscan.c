/* qscan: who may read the queue (and a tool's way in: qscan_enter), and
 * its message ids. See qscan.h. */
#include "sk/qscan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/home.h"
#include "common/qpath.h"
#include "common/rec.h"
#include "common/roles.h"
#include "common/slurp.h"
#include "conf.h"

/* Root goes on as posta-s (effective uid and groups), the owner of
 * queue/info and queue/cmd: whatever posta-q or posta-s put in the
 * queue's folders (a link, a FIFO) then reaches nothing posta-s could not
 * reach itself. The real uid stays root's. */
static int become_s(roles const *r)
{
  gid_t g = r->gid[ROLE_S];
  if (!r->uid[ROLE_S]) return 0;
  if (setgroups(1, &g) < 0 || setegid(g) < 0 || seteuid(r->uid[ROLE_S]) < 0) return -1;
  return 0;
}

int qscan_allowed(void)
{
  roles r;
  uid_t euid = geteuid();
  if (roles_load(&r, ".") < 0) return -1;
  if (euid == 0) return become_s(&r);
  if (euid == r.uid[ROLE_S]) return 0;
  errno = EPERM;
  return -1;
}

int qscan_enter(char const *verb)
{
  char const *home = home_get();
  if (chdir(home) < 0) {
    strerr_warnsys(PROG, ": fatal: unable to change to the home folder ", home);
    return 111;
  }
  if (qscan_allowed() < 0) {
    if (errno == EPERM) { strerr_warn(PROG, ": fatal: only root and posta-s may ", verb, " the queue"); return 100; }
    strerr_warnsys(PROG, ": fatal: unable to look at the instance in ", home);
    return 111;
  }
  return 0;
}

/* Calls f for every id in queue/KIND/N/, every N. */
static int walk(char const *kind, int (*f)(uint64_t, void *), void *data)
{
  char dir[QPATH_MAX];
  for (unsigned i = 0; i < CONF_SPLIT; i++) {
    struct dirent *d;
    uint64_t id;
    if (!qpath_dir(dir, kind, i)) { errno = ENAMETOOLONG; return -1; }
    DIR *dp = opendir(dir);
    if (!dp) return -1;
    for (;;) {
      errno = 0;
      d = readdir(dp);
      if (!d) break;
      if (qpath_id(d->d_name, &id) && f(id, data) < 0) break;
    }
    int e = errno;
    closedir(dp);
    if (e) { errno = e; return -1; }
  }
  return 0;
}

static int count_one(uint64_t id, void *data)
{
  (void)id;
  (*(uint64_t *)data)++;
  return 0;
}

int qscan_count(char const *kind, uint64_t *n)
{
  *n = 0;
  return walk(kind, count_one, n);
}

typedef struct idlist_s idlist;
struct idlist_s {
  uint64_t *ids;
  size_t n;
  size_t a;
};

static int add_one(uint64_t id, void *data)
{
  idlist *l = data;
  if (l->n == l->a) {
    size_t a = l->a ? l->a * 2 : 256;
    uint64_t *p = a > SIZE_MAX / sizeof *p ? 0 : realloc(l->ids, a * sizeof *p);
    if (!p) { errno = ENOMEM; return -1; }
    l->ids = p;
    l->a = a;
  }
  l->ids[l->n++] = id;
  return 0;
}

static int cmp(void const *a, void const *b)
{
  uint64_t x = *(uint64_t const *)a, y = *(uint64_t const *)b;
  return x < y ? -1 : x > y;
}

int qscan_ids(char const *kind, uint64_t **ids, size_t *n)
{
  idlist l = { 0, 0, 0 };
  if (walk(kind, add_one, &l) < 0) {
    free(l.ids);
    return -1;
  }
  if (l.n) qsort(l.ids, l.n, sizeof *l.ids, cmp);
  *ids = l.ids;
  *n = l.n;
  return 0;
}

int qscan_slurp(char const *path, size_t max, char **buf, size_t *len)
{
  struct stat st;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno == ELOOP ? (errno = EPROTO, -1) : -1;
  int bad = fstat(fd, &st) < 0 ? errno : !S_ISREG(st.st_mode) ? EPROTO : 0;
  if (bad) { close(fd); errno = bad; return -1; }
  int r = slurp_fd(fd, max, buf, len);   /* the file that was looked at */
  int e = errno;
  close(fd);
  errno = e;
  return r;
}
