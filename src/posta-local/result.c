/* result: posta-local's result line. See result.h.
 * Never exits; writes only to stdout. */
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

static int set(local_result *r, int code, char const *status, char const *const *pieces, unsigned n,
               char const *sys)
{
  char raw[RESULT_TEXT_MAX * 2];
  size_t len = 0;
  for (unsigned i = 0; i <= n + 1; i++) {
    char const *p = i < n ? pieces[i] : i == n ? (sys ? ": " : "") : (sys ? sys : "");
    size_t k = strlen(p);
    if (k > sizeof raw - len) k = sizeof raw - len;
    memcpy(raw + len, p, k);
    len += k;
  }
  size_t st = status ? strlen(status) + 4 : 0;
  r->code = code;
  r->status = status;
  result_clean(r->text, RESULT_TEXT_MAX - st, raw, len);
  return -1;
}

int result_setv(local_result *r, int code, char const *status, char const *const *pieces, unsigned n)
{
  return set(r, code, status, pieces, n, 0);
}

int result_setsysv(local_result *r, int code, char const *status, char const *const *pieces, unsigned n)
{
  return set(r, code, status, pieces, n, strerror(errno));
}

size_t result_line(local_result const *r, char *out)
{
  size_t len = strlen(r->text);
  memcpy(out, r->text, len);
  if (r->status) {
    size_t k = strlen(r->status);
    memcpy(out + len, " (#", 3);
    memcpy(out + len + 3, r->status, k);
    out[len + 3 + k] = ')';
    len += k + 4;
  }
  out[len++] = '\n';
  return len;
}

void result_write(local_result const *r)
{
  char line[RESULT_TEXT_MAX + 2];
  size_t len = result_line(r, line);
  for (size_t w = 0; w < len;) {
    ssize_t k = write(1, line + w, len - w);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    w += (size_t)k;
  }
}

char const *result_status_write(int e)
{
  if (e == EDQUOT) return "4.2.2";
  if (e == ENOSPC) return "4.3.1";
  return "4.3.0";
}
