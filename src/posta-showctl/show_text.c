/* show_text: posta-showctl's line layout and escaping. See showctl.h.
 * Returns 0, or -1 when out cannot grow; never exits. */
#include "posta-showctl/showctl.h"

#include <string.h>

#include "common/esc.h"

#define NAME_WIDTH 20
#define SOURCE_WIDTH 30

int showctl_escape(stralloc *out, char const *s, size_t len, int keep_spaces)
{
  for (size_t i = 0; i < len; i++) {
    char e[ESC_MAX];
    /* a space stays inside a single value, never at its start */
    size_t n = esc_byte(e, (unsigned char)s[i], keep_spaces && i ? ESC_TEXT : ESC_FIELD);
    if (!stralloc_catb(out, e, n)) return -1;
  }
  return 0;
}

static int pad(stralloc *out, size_t have, size_t width)
{
  do if (!stralloc_catb(out, " ", 1)) return -1;
  while (++have < width);
  return 0;
}

int showctl_line(stralloc *out, char const *name, char const *source, char const *value, size_t len)
{
  size_t start = out->len;
  if (showctl_escape(out, name, strlen(name), 0) < 0 || pad(out, out->len - start, NAME_WIDTH) < 0) return -1;
  start = out->len;
  if (!stralloc_cats(out, source)) return -1;
  if (len) {
    if (pad(out, out->len - start, SOURCE_WIDTH) < 0) return -1;
    if (!stralloc_catb(out, value, len)) return -1;
  }
  return stralloc_catb(out, "\n", 1) ? 0 : -1;
}
