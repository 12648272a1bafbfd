/* dotqmail: the cascade of dot-qmail file names. See dotqmail.h.
 * Never opens a file; dotqmail_exists only stats. */
#include "sk/dotqmail.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

void dotqmail_start(dotqmail_iter *it, char const *dash, char const *ext)
{
  it->dash = dash;
  it->ext = ext;
  it->extlen = strlen(ext);
  it->i = it->extlen;
  it->state = 0;
}

/* ".qmail" DASH lower(EXT[0..n]) [ "default" ] */
static int name(dotqmail_iter const *it, size_t n, int dflt, char *buf, size_t size)
{
  size_t dl = strlen(it->dash);
  size_t len = 6 + dl + n + (dflt ? 7 : 0);
  if (len >= size) return -1;
  memcpy(buf, ".qmail", 6);
  memcpy(buf + 6, it->dash, dl);
  for (size_t k = 0; k < n; k++) {
    char c = it->ext[k];
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    else if (c == '.' || c == '/') c = ':';
    buf[6 + dl + k] = c;
  }
  if (dflt) memcpy(buf + 6 + dl + n, "default", 7);
  buf[len] = 0;
  return 1;
}

int dotqmail_next(dotqmail_iter *it, char *buf, size_t size, long *dflt)
{
  if (it->state == 0) {
    it->state = it->dash[0] ? 1 : 2;
    if (dflt) *dflt = -1;
    return name(it, it->extlen, 0, buf, size);
  }
  while (it->state == 1) {
    size_t i = it->i;
    if (!i) it->state = 2;
    else it->i--;
    if (i && it->ext[i - 1] != '-') continue;
    if (dflt) *dflt = (long)i;
    return name(it, i, 1, buf, size);
  }
  return 0;
}

int dotqmail_exists(char const *home, char const *dash, char const *ext)
{
  dotqmail_iter it;
  char fn[PATH_MAX];
  size_t hl = strlen(home);
  struct stat st;
  int r;
  if (hl + 2 >= sizeof fn) { errno = ENAMETOOLONG; return -1; }
  memcpy(fn, home, hl);
  fn[hl++] = '/';
  dotqmail_start(&it, dash, ext);
  while ((r = dotqmail_next(&it, fn + hl, sizeof fn - hl, 0)) == 1) {
    if (stat(fn, &st) == 0) return 1;
    if (errno == EACCES) return 1;
    if (errno != ENOENT && errno != ENOTDIR) return -1;
  }
  if (r < 0) { errno = ENAMETOOLONG; return -1; }
  return 0;
}
