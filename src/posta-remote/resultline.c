/* resultline: RESULT lines. See resultline.h. */
#include "posta-remote/resultline.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/esc.h"

void resultline_textf(char *out, size_t size, char const *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out, size, fmt, ap);
  va_end(ap);
}

char resultline_class(char kind)
{
  return kind == 'K' ? '2' : kind == 'D' ? '5' : '4';
}

/* Length of 1 to 3 digits at s, else 0. */
static size_t digits(char const *s)
{
  size_t n = 0;
  while (n < 4 && s[n] >= '0' && s[n] <= '9') n++;
  return n >= 1 && n <= 3 ? n : 0;
}

/* The length of a well-formed enhanced code at s ("C.SSS.DDD"), else 0. */
static size_t enhanced(char const *s, char cls)
{
  if (s[0] != cls || s[1] != '.') return 0;
  size_t a = digits(s + 2);
  if (!a || s[2 + a] != '.') return 0;
  size_t b = digits(s + 3 + a);
  if (!b) return 0;
  size_t n = 3 + a + b;
  return s[n] == 0 || s[n] == ' ' ? n : 0;
}

int resultline_status(char out[RESULT_STATUS_MAX], unsigned int code, char const *text)
{
  char cls = (char)('0' + (code / 100) % 10);
  size_t n = 0;
  if (strlen(text) > 4 && (text[3] == ' ' || text[3] == '-')) n = enhanced(text + 4, cls);
  if (n && n < RESULT_STATUS_MAX) {
    memcpy(out, text + 4, n);
    out[n] = 0;
    return 1;
  }
  if (code == 421) { memcpy(out, "4.3.2", 6); return 0; }
  out[0] = cls;
  memcpy(out + 1, ".0.0", 5);
  return 0;
}

void resultline_mta(char out[RESULT_MTA_MAX], char const *name, char const *address)
{
  char n[256], a[63];   /* 255 + "[" + 62 + "]" + NUL: RESULT_MTA_MAX, never cut */
  esc_str(n, sizeof n, name, ESC_WORD);   /* MTA is one word */
  esc_str(a, sizeof a, address, ESC_WORD);
  resultline_textf(out, RESULT_MTA_MAX, "%s[%s]", name[0] ? n : "", a);
}

size_t resultline_format(char *out, size_t size, char kind, char const *status, char const *mta, char const *text)
{
  char st[RESULT_STATUS_MAX];
  char cls = resultline_class(kind);
  if (kind != 'K' && kind != 'D') kind = 'Z';
  if (enhanced(status, cls) && strlen(status) < sizeof st) strcpy(st, status);
  else snprintf(st, sizeof st, "%c.0.0", cls);
  int n = snprintf(out, size, "%c%s %s ", kind, st, mta && *mta ? mta : "-");
  if (n < 0) n = 0;
  size_t o = (size_t)n < size ? (size_t)n : size - 1;
  if (o + 1 < size && text) o += esc_copy(out + o, size - o, text, strnlen(text, RESULT_TEXT_MAX), ESC_SPACES);
  out[o] = 0;
  return o;
}
