/* slurp: a whole file read into memory, bounded. See slurp.h. */
#include "common/slurp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/grow.h"

/* Up to n bytes into s, fewer at end of file: how many, or -1. */
static ssize_t readfull(int fd, char *s, size_t n)
{
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, s + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (!r) break;
    got += (size_t)r;
  }
  return (ssize_t)got;
}

int slurp_fd(int fd, size_t max, char **buf, size_t *len)
{
  struct stat st;
  if (fstat(fd, &st) < 0) return -1;
  if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) return errno = EFBIG, -1;
  size_t n = S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
  char *s = malloc(n + 1);
  if (!s) return -1;
  ssize_t got = readfull(fd, s, n);
  if (got < 0) { int e = errno; free(s); errno = e; return -1; }
  s[got] = 0;
  *buf = s;
  *len = (size_t)got;
  return 0;
}

int slurp_path(char const *path, int flags, size_t max, char **buf, size_t *len)
{
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | flags);
  if (fd < 0) return -1;
  int r = slurp_fd(fd, max, buf, len), e = errno;
  close(fd);
  errno = e;
  return r;
}

int slurp_stream(int fd, size_t max, char **buf, size_t *len)
{
  char *s = 0;
  size_t a = 0, n = 0;
  for (;;) {
    size_t want = max - n < 65536 ? max - n : 65536;
    ssize_t r = grow_bytes(&s, &a, n, want + 1, 4096) < 0 ? -1 : readfull(fd, s + n, want);
    if (r < 0) { int e = errno; free(s); errno = e; return -1; }
    n += (size_t)r;
    if ((size_t)r < want || !want) break;
  }
  s[n] = 0;
  *buf = s;
  *len = n;
  return 0;
}
