/* mdsize: the maildirsize file's text (Maildir++ quotas). See mdsize.h.
 * Pure functions: parsing and formatting, no file touched. */
#include "common/mdsize.h"

#include <stdio.h>
#include <string.h>

/* an unsigned decimal at s[*i]: 0, or -1 (none, or overflow) */
static int num(char const *s, size_t n, size_t *i, uint64_t *v)
{
  size_t start = *i;
  *v = 0;
  for (; *i < n && s[*i] >= '0' && s[*i] <= '9'; ++*i) {
    if (*v > (UINT64_MAX - 9) / 10) return -1;
    *v = *v * 10 + (uint64_t)(s[*i] - '0');
  }
  return *i > start ? 0 : -1;
}

int mdsize_def(char const *s, size_t n, mdsize *m)
{
  size_t i = 0;
  m->qbytes = m->qcount = 0;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\r')) n--;
  if (!n) return -1;
  for (;;) {
    uint64_t v;
    if (num(s, n, &i, &v) < 0 || i >= n) return -1;
    if (s[i] == 'S') m->qbytes = v;
    else if (s[i] == 'C') m->qcount = v;
    else return -1;
    if (++i == n) return 0;
    if (s[i++] != ',') return -1;
  }
}

size_t mdsize_fmtdef(char *buf, mdsize const *m)
{
  int k = m->qcount ? snprintf(buf, MDSIZE_DEF_MAX, "%lluS,%lluC", (unsigned long long)m->qbytes,
                               (unsigned long long)m->qcount)
                    : snprintf(buf, MDSIZE_DEF_MAX, "%lluS", (unsigned long long)m->qbytes);
  return k < 0 ? 0 : (size_t)k;
}

static int snum(char const *s, size_t n, size_t *i, int64_t *v)
{
  uint64_t u;
  int neg = 0;
  while (*i < n && s[*i] == ' ') ++*i;
  if (*i < n && s[*i] == '-') { neg = 1; ++*i; }
  if (num(s, n, i, &u) < 0 || u > INT64_MAX) return -1;
  *v = neg ? -(int64_t)u : (int64_t)u;
  return 0;
}

/* one usage line (no LF) added to m: 0, or -1 malformed */
static int usage(char const *s, size_t n, mdsize *m)
{
  size_t i = 0;
  int64_t b, c;
  if (snum(s, n, &i, &b) < 0 || i >= n || s[i] != ' ' || snum(s, n, &i, &c) < 0) return -1;
  while (i < n && s[i] == ' ') i++;
  if (i != n) return -1;
  /* sums far beyond any disk: taken for garbage */
  if (b > INT64_MAX / 4 || b < -(INT64_MAX / 4) || c > INT64_MAX / 4 || c < -(INT64_MAX / 4)) return -1;
  m->bytes += b;
  m->count += c;
  if (m->bytes > INT64_MAX / 2 || m->bytes < -(INT64_MAX / 2) || m->count > INT64_MAX / 2
      || m->count < -(INT64_MAX / 2))
    return -1;
  return 0;
}

int mdsize_parse(char const *s, size_t n, mdsize *m)
{
  char const *nl = memchr(s, '\n', n);
  m->bytes = m->count = 0;
  if (!nl || mdsize_def(s, (size_t)(nl - s), m) < 0) return 0;
  size_t i = (size_t)(nl - s) + 1;
  while (i < n) {
    char const *e = memchr(s + i, '\n', n - i);
    /* a last line without its LF: a write cut short */
    if (!e || usage(s + i, (size_t)(e - s - i), m) < 0) return 2;
    i = (size_t)(e - s) + 1;
  }
  return 1;
}

int mdsize_over(mdsize const *m, uint64_t bytes, uint64_t count)
{
  int64_t b = m->bytes < 0 ? 0 : m->bytes, c = m->count < 0 ? 0 : m->count;
  if (m->qbytes && (uint64_t)b + bytes > m->qbytes) return 1;
  if (m->qcount && (uint64_t)c + count > m->qcount) return 1;
  return 0;
}
