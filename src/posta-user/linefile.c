/* linefile: reading a file of lines whole, for users/assign,
 * mailboxes/.virtual and the lists of control/ that posta-user rewrites.
 * Dies on error (through strerr, 111); see user.h. */
#include <errno.h>
#include <stdlib.h>

#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>

#include "common/rec.h"
#include "common/slurp.h"
#include "posta-user/user.h"

int linefile_read(char const *fn, size_t max, stralloc *sa)
{
  char *s;
  size_t len;
  if (slurp_path(fn, 0, max, &s, &len) < 0) {
    if (errno != ENOENT) strerr_diefu2sys(111, "read ", fn);
    return 0;
  }
  if (!stralloc_catb(sa, s, len)) strerr_diefu1sys(111, "allocate");
  free(s);
  if (sa->len && sa->s[sa->len - 1] != '\n' && !stralloc_append(sa, '\n')) strerr_diefu1sys(111, "allocate");
  return 1;
}
