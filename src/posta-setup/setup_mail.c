/* setup_mail: what posta-setup -c looks at beyond the install table: the
 * mailboxes deliveries write to and the TLS key.
 *
 * A virtual mailbox (mailboxes/DOMAIN/LOCAL/ and its Maildir, tmp, new,
 * cur) must be posta-v's, who delivers to it, with the owner's rwx bits; a
 * users/assign mailbox's HOME/Maildir (and tmp, new, cur), when it exists,
 * its uid's (each home once; those under mailboxes/ are posta-user's, seen
 * in the walk). Anything else makes the delivery defer with "Permission
 * denied" while the queue fills. The private key (control/serverkey.pem, or
 * servercert.pem when it holds the key) must be readable by its owner
 * alone. posta-v and the users own those folders: each is opened from its
 * parent's descriptor without following a link or blocking, and nothing is
 * changed. Each problem is one line on stdout. */
#include "posta-setup/setup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/slurp.h"
#include "sk/assign.h"

#define DIRFLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
#define PEM_MAX (1u << 20)

/* The folder name in dir: owned by uid, rwx for it. 1 when not (said). */
static unsigned owned(int dir, char const *name, char const *path, uid_t uid, char const *who)
{
  struct stat st;
  if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)) {
    printf("%s: missing or not a folder: deliveries to it fail\n", path);
    return 1;
  }
  if (st.st_uid != uid) {
    printf("%s: owner is uid %u, should be %u (%s): deliveries to it fail with Permission denied\n", path,
           (unsigned)st.st_uid, (unsigned)uid, who);
    return 1;
  }
  if ((st.st_mode & 0700) != 0700) {
    printf("%s: mode is %04o, its owner needs rwx (0700): deliveries to it fail\n", path, (unsigned)(st.st_mode & 07777));
    return 1;
  }
  return 0;
}

/* A Maildir (the folder dir, name) and its tmp, new and cur. */
static unsigned maildir(int dir, char const *name, char const *path, uid_t uid, char const *who)
{
  static char const *const sub[] = { "tmp", "new", "cur" };
  char p[4200];
  unsigned bad = owned(dir, name, path, uid, who);
  int md = openat(dir, name, DIRFLAGS);
  for (size_t i = 0; md >= 0 && i < 3; i++) {
    if ((size_t)snprintf(p, sizeof p, "%s/%s", path, sub[i]) < sizeof p) bad += owned(md, sub[i], p, uid, who);
  }
  if (md >= 0) close(md);
  return bad;
}

/* Every LOCAL of one domain's folder. */
static unsigned domain(int dom, char const *path, uid_t v)
{
  char p[4200];
  unsigned bad = 0;
  int fd = dup(dom);
  DIR *d = fd < 0 ? 0 : fdopendir(fd);
  struct dirent *e;
  if (!d) { if (fd >= 0) close(fd); return 0; }
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    if ((size_t)snprintf(p, sizeof p, "%s/%s", path, e->d_name) >= sizeof p) continue;
    if (owned(dom, e->d_name, p, v, "posta-v")) { bad++; continue; }
    int box = openat(dom, e->d_name, DIRFLAGS);
    if (box < 0) continue;
    if ((size_t)snprintf(p, sizeof p, "%s/%s/Maildir", path, e->d_name) >= sizeof p) { close(box); continue; }
    bad += maildir(box, "Maildir", p, v, "posta-v");
    close(box);
  }
  closedir(d);
  return bad;
}

static unsigned virtual_boxes(int home, char const *hpath, roles const *r)
{
  char p[4200];
  unsigned bad = 0;
  int top = openat(home, "mailboxes", DIRFLAGS);
  int fd = top < 0 ? -1 : dup(top);
  DIR *d = fd < 0 ? 0 : fdopendir(fd);
  struct dirent *e;
  if (!d) {
    if (fd >= 0) close(fd);
    if (top >= 0) close(top);
    return 0;   /* missing: the install table's check says so */
  }
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;   /* .passwd, .virtual.cdb */
    int dom = openat(top, e->d_name, DIRFLAGS);
    if (dom < 0) continue;
    if ((size_t)snprintf(p, sizeof p, "%s/mailboxes/%s", hpath, e->d_name) < sizeof p) bad += domain(dom, p, r->uid[ROLE_V]);
    close(dom);
  }
  closedir(d);
  close(top);
  return bad;
}

/* users/assign's mailboxes: HOME/Maildir when it exists. */
static unsigned assigned_boxes(int home, char const *hpath)
{
  char p[4200], boxes[4200], last[4200] = "", *text;
  unsigned bad = 0;
  size_t n, blen = (size_t)snprintf(boxes, sizeof boxes, "%s/mailboxes/", hpath);
  if (blen >= sizeof boxes) return 0;
  int fd = openat(home, "users/assign", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  int r = fd < 0 ? -1 : slurp_fd(fd, ASSIGN_FILE_MAX, &text, &n);
  if (fd >= 0) close(fd);
  if (r < 0) return 0;
  for (size_t at = 0; at < n;) {
    char *nl = memchr(text + at, '\n', n - at);
    size_t len = nl ? (size_t)(nl - text) - at : n - at;
    assign_line a;
    char const *why;
    char save = text[at + len];
    int k = assign_parse_line(text + at, len, &a, &why);
    /* posta-user's lines name virtual mailboxes, looked at already; the
     * "=" and "+" lines of one mailbox come together: each home once */
    int done = k == 1 && (!strncmp(a.home, boxes, blen) || !strcmp(a.home, last));
    if (k == 1 && !done && a.home[0] == '/' && strlen(a.home) < sizeof last) strcpy(last, a.home);
    if (k == 1 && !done && a.home[0] == '/') {
      int h = open(a.home, O_PATH | O_DIRECTORY | O_CLOEXEC);
      int fits = (size_t)snprintf(p, sizeof p, "%s/Maildir", a.home) < sizeof p;
      if (h >= 0 && fits && faccessat(h, "Maildir", F_OK, AT_SYMLINK_NOFOLLOW) == 0) bad += maildir(h, "Maildir", p, a.uid, a.user);
      if (h >= 0) close(h);
    }
    text[at + len] = save;
    if (k == 2) break;
    at += len + 1;
  }
  free(text);
  return bad;
}

/* A file holding the private key: its owner's alone. */
static unsigned key(int control, char const *name, char const *hpath)
{
  struct stat st;
  char buf[8192];
  int fd = openat(control, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= PEM_MAX ? read(fd, buf, sizeof buf - 1) : -1;
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  if (!strstr(buf, "PRIVATE KEY-----") || !(st.st_mode & 077)) return 0;
  printf("%s/control/%s: mode is %04o: others may read the private key (chmod 600)\n", hpath, name,
         (unsigned)(st.st_mode & 07777));
  return 1;
}

static unsigned keys(int home, char const *hpath)
{
  struct stat st;
  int control = openat(home, "control", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (control < 0) return 0;
  /* posta-tlsd's rule: the key is serverkey.pem when it exists */
  unsigned bad = fstatat(control, "serverkey.pem", &st, AT_SYMLINK_NOFOLLOW) == 0
    ? key(control, "serverkey.pem", hpath) : key(control, "servercert.pem", hpath);
  close(control);
  return bad;
}

unsigned setup_check_mail(int home, char const *hpath, roles const *r)
{
  if (home < 0) return 0;
  return virtual_boxes(home, hpath, r) + assigned_boxes(home, hpath) + keys(home, hpath);
}
