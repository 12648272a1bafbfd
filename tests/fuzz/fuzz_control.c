/* fuzz_control: control files (src/common/control.c) as every program
 * reads them. The input is the file. Checks: control_line's value fits its
 * buffer and holds no LF; control_lines' items lie inside what it returned,
 * each NUL-terminated, none empty, none holding a LF. */
#include "fuzz.h"

#include "common/control.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  char line[64];
  unsigned long v;
  char *items = 0;
  size_t len = 0, pos = 0;
  char const *it;
  fuzz_tmpdir();
  fuzz_write("ctl", (char const *)data, size);
  int r = control_line("ctl", line, sizeof line, "dflt");
  FUZZ_CHECK(r == 1);
  FUZZ_CHECK(strlen(line) < sizeof line && !strchr(line, '\n'));
  r = control_ulong("ctl", &v, 7);
  FUZZ_CHECK(r == 1 || r == 0 || (r == -1 && errno == EINVAL));
  r = control_lines("ctl", 1 << 16, &items, &len);
  FUZZ_CHECK(r == 1 || (r == -1 && errno == EFBIG && size > (1 << 16)));
  while (r == 1 && (it = control_next(items, len, &pos))) {
    size_t l = strlen(it);
    FUZZ_CHECK(it >= items && it + l < items + len + 1);
    FUZZ_CHECK(l > 0 && !memchr(it, '\n', l));
    FUZZ_CHECK(it[0] != '#');
  }
  free(items);
  return 0;
}
