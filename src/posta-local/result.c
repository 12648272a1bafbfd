/* result: posta-local's result line and exit. See result.h.
 * Never returns from result_exit*; writes only to stdout. */
#include "posta-local/result.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

size_t result_clean(char *out, size_t size, char const *text, size_t n)
{
  size_t len = 0;
  if (!size) return 0;
  for (size_t i = 0; i < n && len + 1 < size; i++) {
    unsigned char ch = (unsigned char)text[i];
    char c = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
    if (c == ' ' && (!len || out[len - 1] == ' ')) continue;
    out[len++] = c;
  }
  while (len && out[len - 1] == ' ') len--;
  out[len] = 0;
  return len;
}

__attribute__((noreturn)) static void emit(int code, char const *status, char const *const *pieces, unsigned n, char const *sys)
{
  char raw[RESULT_TEXT_MAX * 2];
  char line[RESULT_TEXT_MAX + 2];
  size_t len = 0;
  for (unsigned i = 0; i <= n + 1; i++) {
    char const *p = i < n ? pieces[i] : i == n ? (sys ? ": " : "") : (sys ? sys : "");
    size_t k = strlen(p);
    if (k > sizeof raw - len) k = sizeof raw - len;
    memcpy(raw + len, p, k);
    len += k;
  }
  size_t st = status ? strlen(status) + 4 : 0;
  len = result_clean(line, RESULT_TEXT_MAX - st, raw, len);
  if (status) {
    memcpy(line + len, " (#", 3);
    memcpy(line + len + 3, status, st - 4);
    line[len + st - 1] = ')';
    len += st;
  }
  line[len++] = '\n';
  for (size_t w = 0; w < len;) {
    ssize_t r = write(1, line + w, len - w);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    w += (size_t)r;
  }
  _exit(code);
}

void result_exitv(int code, char const *status, char const *const *pieces, unsigned n)
{
  emit(code, status, pieces, n, 0);
}

void result_exitsysv(int code, char const *status, char const *const *pieces, unsigned n)
{
  emit(code, status, pieces, n, strerror(errno));
}

char const *result_status_write(int e)
{
  if (e == EDQUOT) return "4.2.2";
  if (e == ENOSPC) return "4.3.1";
  return "4.3.0";
}
