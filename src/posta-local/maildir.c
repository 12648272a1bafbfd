/* maildir: tmp/, fsync, link to new/, fsync new/. See maildir.h.
 * Returns -1 with result 111 in the context on failure; never leaves a
 * partial file in new/ and never overwrites one. */
#include "posta-local/maildir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/durable.h"
#include "common/mdsize.h"
#include "posta-local/msg.h"
#include "posta-local/result.h"

void maildir_host(char *out, size_t size, char const *raw)
{
  size_t len = 0;
  if (!raw || !raw[0]) raw = "localhost";
  for (; *raw && len + 5 < size; raw++) {
    if (*raw == '/' || *raw == ':') {
      memcpy(out + len, *raw == '/' ? "\\057" : "\\072", 4);
      len += 4;
    } else if ((unsigned char)*raw > 0x20 && *raw != 0x7f) out[len++] = *raw;
  }
  out[len] = 0;
}

size_t maildir_name_unique(char *buf, size_t size, unsigned long long sec, unsigned long usec,
                           unsigned long pid, unsigned counter, char const *host)
{
  int n = snprintf(buf, size, "%llu.M%06luP%luQ%u.%s", sec, usec, pid, counter, host);
  return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

size_t maildir_name_stable(char *buf, size_t size, struct stat const *msg, uint64_t hash, char const *host)
{
  int n = snprintf(buf, size, "%llu.V%llxI%llxH%016llx.%s", (unsigned long long)msg->st_mtim.tv_sec,
                   (unsigned long long)msg->st_dev, (unsigned long long)msg->st_ino, (unsigned long long)hash, host);
  return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

static uint64_t fnv(uint64_t h, void const *p, size_t n)
{
  unsigned char const *s = p;
  for (size_t i = 0; i < n; i++) {
    h ^= s[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t maildir_hash(struct stat const *msg, char const *rcpt, char const *dir, unsigned line)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  unsigned long long t[2] = { (unsigned long long)msg->st_mtim.tv_sec, (unsigned long long)msg->st_mtim.tv_nsec };
  h = fnv(h, t, sizeof t);
  h = fnv(h, rcpt, strlen(rcpt) + 1);
  h = fnv(h, dir, strlen(dir) + 1);
  return fnv(h, &line, sizeof line);
}

static int names(local_ctx *c, char const *dir, char *tmp, char *new, size_t size)
{
  char host[MAILDIR_HOST_MAX], raw[HOST_NAME_MAX + 1] = "", name[MAILDIR_NAME_MAX];
  struct timeval tv;
  size_t dl = strlen(dir);
  if (gethostname(raw, sizeof raw - 1) < 0) raw[0] = 0;
  maildir_host(host, sizeof host, raw);
  gettimeofday(&tv, 0);
  if (!maildir_name_unique(name, sizeof name, (unsigned long long)tv.tv_sec, (unsigned long)tv.tv_usec,
                           (unsigned long)getpid(), c->nmaildir, host)
      || dl + 4 + strlen(name) >= size)
    return result_set(&c->res, 111, "4.3.0", "Maildir path too long: ", dir);
  snprintf(tmp, size, "%stmp/%s", dir, name);
  if (S_ISREG(c->msg.st_mode))
    maildir_name_stable(name, sizeof name, &c->msg, maildir_hash(&c->msg, c->rcpt.s, dir, c->line), host);
  snprintf(new, size, "%snew/%s", dir, name);
  return 0;
}

/* tmp is written and fsynced; link it to new, the delivery's commit: 1,
 * 0 when new was there already (an earlier attempt's), -1. */
static int commit(local_ctx *c, char const *tmp, char const *new)
{
  int linked = 1;
  if (link(tmp, new) < 0) {
    int e = errno;
    /* a stable name already in new/: an earlier attempt delivered it */
    if (e != EEXIST || !S_ISREG(c->msg.st_mode)) {
      unlink(tmp);
      errno = e;
      return result_setsys(&c->res, 111, "4.3.0", "unable to link ", tmp, " to ", new);
    }
    linked = 0;
  }
  if (durable_fsync_parent(new) < 0) {
    int e = errno;
    unlink(tmp);
    errno = e;
    return result_setsys(&c->res, 111, "4.3.0", "unable to fsync the folder of ", new);
  }
  unlink(tmp);
  return linked;
}

/* The Maildir++ quota of dir (maildirsize): 1 when the message is within
 * it or there is none, 0 when it would go over (result 111, 4.2.2). An
 * unreadable maildirsize counts as no quota: it never refuses mail. */
static int quota_ok(local_ctx *c, char const *dir, int *has)
{
  mdsize m;
  char q[MDSIZE_DEF_MAX];
  uint64_t size = (uint64_t)c->msg.st_size + c->rpline.len + c->dtline.len;
  *has = mdsize_fs_load(dir, &m, size, 1) == 1;
  if (!*has || !mdsize_over(&m, size, 1)) return 1;
  mdsize_fmtdef(q, &m);
  result_set(&c->res, 111, "4.2.2", "mailbox full: the message would exceed the mailbox's quota (", q, ")");
  return 0;
}

int maildir_deliver(local_ctx *c, char const *dir)
{
  char tmp[PATH_MAX], new[PATH_MAX];
  struct stat st;
  int quota;
  if (!quota_ok(c, dir, &quota)) return -1;
  if (names(c, dir, tmp, new, sizeof tmp) < 0) return -1;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return result_setsys(&c->res, 111, errno == ENOENT ? "4.2.1" : result_status_write(errno), "unable to create ",
                         tmp);
  if (msg_copy(fd, c, MSG_RP | MSG_DT) < 0 || fsync(fd) < 0 || (quota && fstat(fd, &st) < 0)) {
    int e = errno;
    close(fd);
    unlink(tmp);
    errno = e;
    return result_setsys(&c->res, 111, result_status_write(e), "unable to write ", tmp);
  }
  if (close(fd) < 0) {
    int e = errno;
    unlink(tmp);
    errno = e;
    return result_setsys(&c->res, 111, result_status_write(e), "unable to write ", tmp);
  }
  int linked = commit(c, tmp, new);
  if (linked < 0) return -1;
  /* the usage grows by what was linked (not by a retry's own copy); a
   * failed append only leaves the count low until the next recalculation */
  if (quota && linked) mdsize_fs_add(dir, (uint64_t)st.st_size);
  c->nmaildir++;
  return 0;
}
