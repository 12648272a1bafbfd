/* smtpd_param: MAIL and RCPT parameters. See smtpd_param.h. */
#include "posta-smtpd/smtpd_param.h"

#include <string.h>
#include <strings.h>

typedef struct param_s param;
struct param_s {
  char const *name;
  unsigned which;
  int (*check)(char const *v, size_t n, int hasvalue, smtpd_params *);
};

int smtpd_param_size(char const *s, size_t len, uint64_t *v)
{
  uint64_t x = 0;
  int huge = 0;
  if (!len) return -1;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    unsigned d = (unsigned)(s[i] - '0');
    if (x > (UINT64_MAX - d) / 10) huge = 1;
    else x = x * 10 + d;
  }
  if (huge) return 0;
  *v = x;
  return 1;
}

static int check_size(char const *v, size_t n, int hasvalue, smtpd_params *p)
{
  if (!hasvalue || p->flags & (PARAM_F_SIZE | PARAM_F_HUGE)) return PARAM_EVALUE;
  int r = smtpd_param_size(v, n, &p->size);
  if (r < 0) return PARAM_EVALUE;
  p->flags |= r ? PARAM_F_SIZE : PARAM_F_HUGE;
  return PARAM_OK;
}

static int check_body(char const *v, size_t n, int hasvalue, smtpd_params *p)
{
  if (!hasvalue || p->flags & (PARAM_F_7BIT | PARAM_F_8BIT)) return PARAM_EVALUE;
  if (n == 4 && !strncasecmp(v, "7BIT", 4)) p->flags |= PARAM_F_7BIT;
  else if (n == 8 && !strncasecmp(v, "8BITMIME", 8)) p->flags |= PARAM_F_8BIT;
  else return PARAM_EVALUE;
  return PARAM_OK;
}

static int check_utf8(char const *v, size_t n, int hasvalue, smtpd_params *p)
{
  if (hasvalue || p->flags & PARAM_F_UTF8) return PARAM_EVALUE;
  p->flags |= PARAM_F_UTF8;
  return PARAM_OK;
}

/* taken and ignored: a value must be there, the syntax did the rest */
static int check_ignored(char const *v, size_t n, int hasvalue, smtpd_params *p)
{
  return hasvalue && n ? PARAM_OK : PARAM_EVALUE;
}

static param const params[] = {
  { "SIZE", PARAM_MAIL, check_size },
  { "BODY", PARAM_MAIL, check_body },
  { "SMTPUTF8", PARAM_MAIL, check_utf8 },
  { "AUTH", PARAM_MAIL, check_ignored },
  { "RET", PARAM_MAIL, check_ignored },
  { "ENVID", PARAM_MAIL, check_ignored },
  { "NOTIFY", PARAM_RCPT, check_ignored },
  { "ORCPT", PARAM_RCPT, check_ignored },
};

static int is_keychar(char c, int first)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && !first);
}

/* esmtp-value: octets 33..126 but '=' (RFC 6531 adds UTF-8; taken as is) */
static int is_valuechar(unsigned char c)
{
  return (c >= 33 && c <= 126 && c != '=') || c >= 0x80;
}

static int one(char const *s, size_t len, unsigned which, smtpd_params *p)
{
  size_t k = 0;
  while (k < len && is_keychar(s[k], !k)) k++;
  if (!k || (k < len && s[k] != '=')) return PARAM_ESYNTAX;
  int hasvalue = k < len;
  size_t v = hasvalue ? k + 1 : len;
  for (size_t i = v; i < len; i++)
    if (!is_valuechar((unsigned char)s[i])) return PARAM_ESYNTAX;
  for (size_t i = 0; i < sizeof params / sizeof *params; i++) {
    if (strlen(params[i].name) != k || strncasecmp(params[i].name, s, k)) continue;
    if (!(params[i].which & which)) return PARAM_EUNKNOWN;
    return params[i].check(s + v, len - v, hasvalue, p);
  }
  return PARAM_EUNKNOWN;
}

int smtpd_param_parse(char const *s, size_t len, unsigned which, smtpd_params *p)
{
  size_t i = 0;
  p->flags = 0;
  p->size = 0;
  while (i < len) {
    if (s[i] != ' ') return PARAM_ESYNTAX;
    while (i < len && s[i] == ' ') i++;
    size_t start = i;
    while (i < len && s[i] != ' ') i++;
    if (i == start) break;
    int r = one(s + start, i - start, which, p);
    if (r) return r;
  }
  return PARAM_OK;
}
