/* answer: RESULT lines for posta-send. See answer.h. answer_build and
 * answer_fail are pure; answer_send only writes to fd 1. */
#include "posta-lspawn/answer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

/* The status in a trailing "(#X.Y.Z)" of text, if its class is cls. */
static int find_status(char const *text, size_t len, char cls, char *st)
{
  while (len && (text[len - 1] == ' ' || text[len - 1] == '.' || text[len - 1] == '\n')) len--;
  if (len < 8 || text[len - 1] != ')') return 0;
  size_t end = len - 1, i = end;
  while (i && text[i - 1] != '#') i--;
  if (i < 2 || text[i - 2] != '(' || end - i < 5 || end - i > 11) return 0;
  char const *s = text + i;
  size_t n = end - i, dots = 0;
  for (size_t k = 0; k < n; k++) {
    if (s[k] == '.') { if (!k || s[k - 1] == '.') return 0; dots++; }
    else if (s[k] < '0' || s[k] > '9') return 0;
  }
  if (dots != 2 || s[n - 1] == '.' || s[0] != cls || s[1] != '.') return 0;
  memcpy(st, s, n);
  st[n] = 0;
  return 1;
}

static size_t put(char *out, unsigned slot, char code, char const *status, char const *a, size_t an,
                  char const *b, size_t bn)
{
  int k = snprintf(out, ANSWER_MAX, "%u%c%c%s - ", slot, 0, code, status);
  size_t len = (size_t)k, start = len, i;
  char const *src[2] = { a, b };
  size_t n[2] = { an, bn };
  for (unsigned j = 0; j < 2; j++)
    for (i = 0; i < n[j] && len - start < ANSWER_TEXT_MAX; i++) {
      unsigned char ch = (unsigned char)src[j][i];
      char c = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
      if (c == ' ' && out[len - 1] == ' ') continue;
      out[len++] = c;
    }
  while (len > start && out[len - 1] == ' ') len--;
  out[len++] = 0;
  return len;
}

size_t answer_fail(char *out, unsigned slot, char code, char const *status, char const *text)
{
  return put(out, slot, code, status, text, strlen(text), "", 0);
}

size_t answer_build(char *out, unsigned slot, int wstatus, char const *text, size_t len)
{
  char st[16], pre[64];
  if (WIFSIGNALED(wstatus)) {
    snprintf(pre, sizeof pre, "posta-local killed by signal %d: ", WTERMSIG(wstatus));
    return put(out, slot, 'Z', "4.3.0", pre, strlen(pre), text, len);
  }
  int e = WEXITSTATUS(wstatus);
  if (e == 0 || e == 99) return put(out, slot, 'K', find_status(text, len, '2', st) ? st : "2.0.0", text, len, "", 0);
  if (e == 100) return put(out, slot, 'D', find_status(text, len, '5', st) ? st : "5.3.0", text, len, "", 0);
  if (e == 111) return put(out, slot, 'Z', find_status(text, len, '4', st) ? st : "4.3.0", text, len, "", 0);
  snprintf(pre, sizeof pre, "posta-local exited %d: ", e);
  return put(out, slot, 'Z', "4.3.0", pre, strlen(pre), text, len);
}

int answer_send(char const *s, size_t len)
{
  for (;;) {
    if (send(1, s, len, MSG_NOSIGNAL) >= 0) return 0;
    if (errno != EINTR) return -1;
  }
}
