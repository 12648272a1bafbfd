/* qpath: queue path arithmetic. See qpath.h. */
#include "common/qpath.h"

#include <stdio.h>
#include <string.h>

#include "conf.h"

unsigned qpath_split(uint64_t id)
{
  return (unsigned)(id % CONF_SPLIT);
}

size_t qpath(char *buf, char const *kind, uint64_t id)
{
  if (strlen(kind) > 16) return 0;
  int n = snprintf(buf, QPATH_MAX, "queue/%s/%u/%llu", kind, qpath_split(id), (unsigned long long)id);
  return n > 0 && n < QPATH_MAX ? (size_t)n : 0;
}

size_t qpath_dir(char *buf, char const *kind, unsigned split)
{
  if (strlen(kind) > 16) return 0;
  int n = snprintf(buf, QPATH_MAX, "queue/%s/%u", kind, split);
  return n > 0 && n < QPATH_MAX ? (size_t)n : 0;
}

int qpath_id(char const *name, uint64_t *id)
{
  uint64_t v = 0;
  if (!*name || (name[0] == '0' && name[1])) return 0;
  for (; *name; name++) {
    if (*name < '0' || *name > '9') return 0;
    uint64_t d = (uint64_t)(*name - '0');
    if (v > (UINT64_MAX - d) / 10) return 0;
    v = v * 10 + d;
  }
  *id = v;
  return 1;
}
