/* fuzz_dotqmail: the dot-qmail cascade's file names (src/sk/dotqmail.c)
 * for an address extension from the network. The first byte picks DASH
 * ("" or "-", as users/assign and posta-lspawn give it); the rest is EXT. Checks: every name fits its buffer, starts with ".qmail",
 * holds no '/' (so no address names a file outside the home) and no
 * control byte but what the extension brought; DEFAULT's offset lies in
 * the extension; the walk ends. */
#include "fuzz.h"

#include "sk/dotqmail.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  dotqmail_iter it;
  char name[256];
  long dflt;
  unsigned n = 0;
  int r;
  if (!size) return 0;
  char *ext = fuzz_dup(data + 1, size - 1);
  size_t extlen = strlen(ext);
  dotqmail_start(&it, (data[0] & 1) ? "-" : "", ext);
  while ((r = dotqmail_next(&it, name, sizeof name, &dflt)) != 0) {
    FUZZ_CHECK(r == 1 || r == -1);
    FUZZ_CHECK(++n <= extlen + 3);
    if (r < 0) continue;
    FUZZ_CHECK(strlen(name) < sizeof name);
    FUZZ_CHECK(!strncmp(name, ".qmail", 6));
    FUZZ_CHECK(!strchr(name, '/'));
    FUZZ_CHECK(dflt == -1 || (dflt >= 0 && (size_t)dflt <= extlen));
  }
  free(ext);
  return 0;
}
