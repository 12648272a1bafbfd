/* cpw_file: finds one login's hash in the password file, read whole (at
 * most CPW_FILE_MAX octets) by src/common/slurp.c and searched by
 * src/common/pwline.c (the parser posta-user's pwfile.c shares). See
 * cpw.h. */
#include <stdlib.h>
#include <string.h>

#include "common/pwline.h"
#include "common/slurp.h"
#include "posta-checkpw/cpw.h"

int cpw_lookup(int fd, char const *login, char *hash, size_t size)
{
  char *buf;
  char const *h;
  size_t len, hlen;
  if (slurp_fd(fd, CPW_FILE_MAX, &buf, &len) < 0) return -1;
  int found = pwline_find(buf, len, login, size - 1, &h, &hlen);
  if (found) {
    memcpy(hash, h, hlen);
    hash[hlen] = 0;
  }
  free(buf);
  return found;
}
