/* inject_make: From, Date and Message-ID values. See inject_make.h. */
#include "sk/inject_make.h"

#include <stdio.h>
#include <string.h>

#include <skalibs/random.h>

/* RFC 5322 atext, plus the space between atoms. */
static int plain(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
         || (c && strchr(" !#$%&'*+-/=?^_`{|}~", c)) || (unsigned char)c >= 0x80;
}

int inject_make_from(stralloc *out, char const *name, char const *addr)
{
  size_t old = out->len;
  int quote = 0, any = 0;
  for (char const *s = name; *s; s++) {
    if ((unsigned char)*s < 0x20 || *s == 0x7f) continue;
    if (!plain(*s)) quote = 1;
    if (*s != ' ') any = 1;
  }
  if (any) {
    if (quote && !stralloc_append(out, '"')) goto fail;
    for (char const *s = name; *s; s++) {
      if ((unsigned char)*s < 0x20 || *s == 0x7f) continue;
      if (quote && (*s == '"' || *s == '\\') && !stralloc_append(out, '\\')) goto fail;
      if (!stralloc_append(out, *s)) goto fail;
    }
    if (quote && !stralloc_append(out, '"')) goto fail;
    if (!stralloc_cats(out, " <")) goto fail;
  }
  if (!stralloc_cats(out, addr)) goto fail;
  if (any && !stralloc_append(out, '>')) goto fail;
  return 0;
fail:
  out->len = old;
  return -1;
}

size_t inject_make_date(char *buf, size_t size, time_t when)
{
  struct tm tm;
  if (!localtime_r(&when, &tm)) return 0;
  /* the C locale: main never calls setlocale, so the names are English */
  return strftime(buf, size, "%a, %d %b %Y %H:%M:%S %z", &tm);
}

size_t inject_make_msgid(char *buf, size_t size, time_t when, pid_t pid, char const *host)
{
  char rnd[13];
  random_name(rnd, sizeof rnd - 1);
  rnd[sizeof rnd - 1] = 0;
  int n = snprintf(buf, size, "<%llu.%lu.%s@%s>", (unsigned long long)when, (unsigned long)pid, rnd, host);
  return n > 0 && (size_t)n < size ? (size_t)n : 0;
}
