/* cleanops: the requests of posta-clean. See cleanops.h. */
#include "posta-clean/cleanops.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/qpath.h"
#include "conf.h"

static int gone(char const *path)
{
  return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

static int rm_kind(char const *kind, uint64_t id)
{
  char path[QPATH_MAX];
  qpath(path, kind, id);
  return gone(path);
}

static char const *op_todo(uint64_t id, uint64_t now, cleanbatch *b)
{
  (void)now;
  (void)b;
  char path[QPATH_MAX];
  struct stat st;
  qpath(path, "info", id);
  /* EACCES: info/ is not searchable by this uid (see doc/queue.md); then
   * posta-send's word is all there is */
  if (stat(path, &st) < 0 && errno != EACCES) return errno == ENOENT ? "no info record: todo kept" : strerror(errno);
  if (rm_kind("intd", id) < 0 || rm_kind("todo", id) < 0) return strerror(errno);
  return 0;
}

static int pending(cleanbatch const *b, uint64_t id)
{
  for (unsigned i = 0; i < b->n; i++)
    if (b->id[i] == id) return 1;
  return 0;
}

/* The end of a message (state 6 or 6f to 7): intd and todo go at once,
 * mess only once their removal is durable (cleanops_sync), so that a crash
 * never leaves a todo without its message, nor one beside another
 * message's file that got the same inode: mess holds the inode until then.
 * One sync is shared by every removal of the batch. Its answer waits for
 * the batch: "?ID". */
static char const *op_mess(uint64_t id, uint64_t now, cleanbatch *b)
{
  (void)now;
  if (rm_kind("intd", id) < 0 || rm_kind("todo", id) < 0) return strerror(errno);
  if (!pending(b, id)) {
    if (b->n == CLEAN_BATCH) return "batch full";
    b->id[b->n++] = id;
  }
  return "?";
}

/* One syncfs(2) of the queue's file system makes every removal before it
 * durable, in every folder todo/N at once: fsyncing each folder in turn
 * would cost up to CONF_SPLIT fsyncs a batch, since consecutive ids fall in
 * consecutive folders. */
int cleanops_sync(cleanbatch *b)
{
  b->err = 0;
  if (!b->n) return 0;
  int fd = open("queue/todo", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || syncfs(fd) < 0) b->err = errno;
  if (fd >= 0) close(fd);
  return b->err ? -1 : 0;
}

size_t cleanops_finish(cleanbatch const *b, uint64_t id, char *out)
{
  int e = b->err;
  if (e) return (size_t)sprintf(out, "!%llu unable to sync queue/todo: %.100s\n", (unsigned long long)id, strerror(e));
  if (rm_kind("mess", id) < 0) return (size_t)sprintf(out, "!%llu %.120s\n", (unsigned long long)id, strerror(errno));
  return (size_t)sprintf(out, "+%llu\n", (unsigned long long)id);
}

static char const *op_pid(uint64_t id, uint64_t now, cleanbatch *b)
{
  (void)now;
  (void)b;
  char path[QPATH_MAX];
  snprintf(path, sizeof path, "queue/pid/%llu", (unsigned long long)id);
  return gone(path) < 0 ? strerror(errno) : 0;
}

/* Removes the regular files of dir older than CLEAN_STALE. */
static int sweep(char const *dir, uint64_t now)
{
  char path[QPATH_MAX + 256];
  struct dirent *d;
  struct stat st;
  int r = 0;
  DIR *D = opendir(dir);
  if (!D) return errno == ENOENT ? 0 : -1;
  while ((d = readdir(D))) {
    if (d->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", dir, d->d_name);
    if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) continue;
    if ((uint64_t)st.st_mtime + CLEAN_STALE > now) continue;
    if (gone(path) < 0) r = -1;
  }
  closedir(D);
  return r;
}

static char const *op_stale(uint64_t id, uint64_t now, cleanbatch *b)
{
  (void)id;
  (void)b;
  char dir[QPATH_MAX];
  int r = sweep("queue/pid", now);
  for (unsigned i = 0; i < CONF_SPLIT; i++) {
    qpath_dir(dir, "intd", i);
    if (sweep(dir, now) < 0) r = -1;
  }
  return r < 0 ? "some stale files could not be removed" : 0;
}

typedef char const *op_func(uint64_t, uint64_t, cleanbatch *);
static struct { char const *name; op_func *f; } const ops[] = {
  { "todo", op_todo }, { "mess", op_mess }, { "pid", op_pid }, { "stale", op_stale },
};

size_t cleanops_do(char const *line, size_t len, char *out, uint64_t now, cleanbatch *b)
{
  char buf[CLEAN_LINE_MAX + 1];
  uint64_t id = 0;
  char const *why = "malformed request";
  char *sp;
  if (len <= CLEAN_LINE_MAX && !memchr(line, 0, len)) {
    memcpy(buf, line, len);
    buf[len] = 0;
    sp = strchr(buf, ' ');
    if (sp && qpath_id(sp + 1, &id)) {
      *sp = 0;
      why = "unknown operation";
      for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(buf, ops[i].name)) { why = ops[i].f(id, now, b); break; }
    }
  }
  if (!why) return (size_t)sprintf(out, "+%llu\n", (unsigned long long)id);
  if (!strcmp(why, "?")) return (size_t)sprintf(out, "?%llu\n", (unsigned long long)id);
  return (size_t)sprintf(out, "!%llu %.120s\n", (unsigned long long)id, why);
}
