/* fuzz_assign: users/assign (src/sk/assign.c) as posta-newu compiles it,
 * and the users/cdb values lookup reads back. Checks: a line parsed as a
 * mailbox has its fields inside the line; a file that compiles gives a cdb
 * in which every value decodes with assign_value; a value of the input
 * itself never makes assign_value overrun. */
#include "fuzz.h"

#include <sys/mman.h>
#include <skalibs/cdb.h>

#include "sk/assign.h"

static void lines(char const *data, size_t size)
{
  char *buf = fuzz_dup((uint8_t const *)data, size);
  size_t i = 0;
  while (i <= size) {
    char *nl = memchr(buf + i, '\n', size - i);
    size_t end = nl ? (size_t)(nl - buf) : size;
    assign_line a;
    char const *why = 0;
    int r = assign_parse_line(buf + i, end - i, &a, &why);
    FUZZ_CHECK(r >= -1 && r <= 2);
    if (r == -1) FUZZ_CHECK(why != 0);
    if (r == 1) {
      FUZZ_CHECK(a.kind == '=' || a.kind == '+');
      FUZZ_CHECK(a.key >= buf + i && a.key + a.keylen <= buf + end);
      FUZZ_CHECK(a.home >= buf + i && a.home + strlen(a.home) <= buf + end);
      FUZZ_CHECK(a.ext >= buf + i && a.ext + strlen(a.ext) <= buf + end);
    }
    i = end + 1;
  }
  free(buf);
}

static void compile(char const *data, size_t size)
{
  char *text = fuzz_dup((uint8_t const *)data, size);
  unsigned lineno = 0;
  char const *why = 0;
  int fd = memfd_create("cdb", 0);
  FUZZ_CHECK(fd >= 0);
  int r = assign_compile(text, size, fd, &lineno, &why);
  FUZZ_CHECK(r == 0 || r == -2 || r == -1);
  if (r == -2) FUZZ_CHECK(why != 0);
  if (r == 0) {
    cdb c = CDB_ZERO;
    cdb_data k, v;
    uint32_t pos;
    FUZZ_CHECK(cdb_init_fromfd(&c, fd));
    cdb_traverse_init(&pos);
    while (cdb_traverse_next(&c, &k, &v, &pos) == 1) {
      lookup_result lr;
      FUZZ_CHECK(k.len >= 1 && (k.s[0] == '=' || k.s[0] == '+'));
      /* a value posta-newu wrote decodes, unless a field is too long for
       * lookup_result: then it is refused, never cut */
      (void)assign_value(v.s, v.len, &lr);
    }
    cdb_free(&c);
  }
  close(fd);
  free(text);
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  lookup_result lr;
  lines((char const *)data, size);
  compile((char const *)data, size);
  if (assign_value((char const *)data, size, &lr) == 0) {
    FUZZ_CHECK(strlen(lr.user) < sizeof lr.user);
    FUZZ_CHECK(strlen(lr.home) < sizeof lr.home);
    FUZZ_CHECK(strlen(lr.ext) < sizeof lr.ext);
  }
  return 0;
}
