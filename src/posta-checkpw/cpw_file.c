/* cpw_file: finds one login's hash in the password file, read whole (at
 * most CPW_FILE_MAX octets). Lines "address:hash"; a line without ':' or
 * with a hash too long is skipped. See cpw.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posta-checkpw/cpw.h"

static char *slurp(int fd, size_t *len)
{
  struct stat st;
  if (fstat(fd, &st) < 0) return 0;
  if (st.st_size > CPW_FILE_MAX) return errno = EFBIG, (char *)0;
  size_t n = (size_t)st.st_size, got = 0;
  char *buf = malloc(n + 1);
  if (!buf) return 0;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  buf[got] = 0;
  *len = got;
  return buf;
}

int cpw_lookup(int fd, char const *login, char *hash, size_t size)
{
  size_t len, n = strlen(login);
  char *buf = slurp(fd, &len);
  int found = 0;
  if (!buf) return -1;
  for (char *line = buf; line < buf + len && !found;) {
    char *end = memchr(line, '\n', (size_t)(buf + len - line));
    if (!end) end = buf + len;
    *end = 0;
    if ((size_t)(end - line) > n && line[n] == ':' && !strncasecmp(line, login, n)) {
      size_t h = (size_t)(end - line) - n - 1;
      if (h && h < size) {
        memcpy(hash, line + n + 1, h);
        hash[h] = 0;
        found = 1;
      }
    }
    line = end + 1;
  }
  free(buf);
  return found;
}
