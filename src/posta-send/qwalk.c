/* qwalk: incremental readdir over the split folders. See qwalk.h. */
#include "posta-send/qwalk.h"

#include <errno.h>
#include <string.h>

#include "common/qpath.h"
#include "conf.h"

void qwalk_start(qwalk *s, char const *kind)
{
  qwalk_stop(s);
  strncpy(s->kind, kind, sizeof s->kind - 1);
  s->kind[sizeof s->kind - 1] = 0;
  s->split = 0;
  s->running = 1;
}

int qwalk_next(qwalk *s, uint64_t *id)
{
  while (s->running) {
    if (!s->dir) {
      char path[QPATH_MAX];
      if (s->split >= CONF_SPLIT) { s->running = 0; return 0; }
      qpath_dir(path, s->kind, s->split);
      s->dir = opendir(path);
      if (!s->dir) {
        int e = errno;
        s->split++;
        if (e == ENOENT) continue;
        errno = e;
        return -1;
      }
    }
    errno = 0;
    struct dirent *d = readdir(s->dir);
    if (!d) {
      closedir(s->dir);
      s->dir = 0;
      s->split++;
      continue;
    }
    if (qpath_id(d->d_name, id) && qpath_split(*id) == s->split) return 1;
  }
  return 0;
}

void qwalk_stop(qwalk *s)
{
  if (s->dir) closedir(s->dir);
  s->dir = 0;
  s->running = 0;
}
