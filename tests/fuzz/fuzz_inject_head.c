/* fuzz_inject_head: local submission's header (src/sk/inject_head.c,
 * inject_in.c) as sendmail and posta-inject read a message from a local
 * user: read through inject_in from a file, then fixed. Checks: the header
 * read ends with LF and is at most the bound; the fixed header ends with
 * its empty line and keeps no Bcc field; the recipients taken hold no CR,
 * LF or NUL. */
#include "fuzz.h"

#include <strings.h>
#include <sys/mman.h>
#include <skalibs/stralloc.h>

#include "sk/inject_head.h"
#include "sk/inject_in.h"

#define MAX 4096

static void check_fixed(stralloc const *out, stralloc const *rcpts)
{
  FUZZ_CHECK(out->len >= 1 && out->s[out->len - 1] == '\n');
  FUZZ_CHECK(out->len == 1 || (out->len >= 2 && out->s[out->len - 2] == '\n'));
  for (size_t i = 0; i < out->len; ) {
    char *nl = memchr(out->s + i, '\n', out->len - i);
    FUZZ_CHECK(nl);
    FUZZ_CHECK(strncasecmp(out->s + i, "bcc:", 4) && strncasecmp(out->s + i, "resent-bcc:", 11));
    i = (size_t)(nl - out->s) + 1;
  }
  for (size_t i = 0; i < rcpts->len; ) {
    char *nul = memchr(rcpts->s + i, 0, rcpts->len - i);
    FUZZ_CHECK(nul);
    FUZZ_CHECK(fuzz_no_crlfnul(rcpts->s + i, (size_t)(nul - rcpts->s) - i));
    i = (size_t)(nul - rcpts->s) + 1;
  }
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  static inject_in in;
  stralloc head = STRALLOC_ZERO, rest = STRALLOC_ZERO, out = STRALLOC_ZERO, rcpts = STRALLOC_ZERO;
  int fd = memfd_create("msg", 0);
  if (!size) return 0;
  FUZZ_CHECK(fd >= 0);
  FUZZ_CHECK(write(fd, data + 1, size - 1) == (ssize_t)(size - 1));
  FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
  inject_in_init(&in, fd, data[0] & 1);
  int r = inject_head_read(&in, &head, &rest, MAX);
  if (r == 0) {
    FUZZ_CHECK(head.len <= MAX + 1);
    FUZZ_CHECK(!head.len || head.s[head.len - 1] == '\n');
    inject_fix f = { "me@example.org", "Thu, 1 Jan 1970 00:00:00 +0000", "<1@example.org>", 0, 0 };
    if (inject_head_fix(head.s, head.len, &f, &out, (data[0] & 2) ? 0 : &rcpts) == 0)
      check_fixed(&out, &rcpts);
    else
      FUZZ_CHECK(errno == EINVAL || errno == ENAMETOOLONG || errno == ENOMEM);
  } else {
    FUZZ_CHECK(errno == EFBIG || errno == ENOMEM);
  }
  stralloc_free(&head);
  stralloc_free(&rest);
  stralloc_free(&out);
  stralloc_free(&rcpts);
  close(fd);
  return 0;
}
