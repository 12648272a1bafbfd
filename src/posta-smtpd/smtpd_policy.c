/* smtpd_policy: rcpthosts, morercpthosts.cdb, badmailfrom. See smtpd_policy.h. */
#include "posta-smtpd/smtpd_policy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/control.h"

static void lower_all(char *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (s[i] >= 'A' && s[i] <= 'Z') s[i] = (char)(s[i] + 32);
}

int smtpd_policy_load(smtpd_policy *p)
{
  memset(p, 0, sizeof *p);
  if (control_lines("control/rcpthosts", SMTPD_POLICY_FILEMAX, &p->rcpthosts, &p->rcpthosts_len) < 0) return -1;
  lower_all(p->rcpthosts, p->rcpthosts_len);
  if (control_lines("control/badmailfrom", SMTPD_POLICY_FILEMAX, &p->badmailfrom, &p->badmailfrom_len) < 0) {
    smtpd_policy_free(p);
    return -1;
  }
  if (cdb_init(&p->mrh, "control/morercpthosts.cdb")) p->mrh_open = 1;
  else if (errno != ENOENT) {
    smtpd_policy_free(p);
    return -1;
  }
  return 0;
}

void smtpd_policy_free(smtpd_policy *p)
{
  free(p->rcpthosts);
  free(p->badmailfrom);
  if (p->mrh_open) cdb_free(&p->mrh);
  memset(p, 0, sizeof *p);
}

static int in_list(char const *list, size_t len, char const *s, size_t n)
{
  size_t pos = 0;
  char const *item;
  while ((item = control_next(list, len, &pos)))
    if (strlen(item) == n && !strncasecmp(item, s, n)) return 1;
  return 0;
}

/* One candidate, exact: the list, then the cdb. */
static int listed(smtpd_policy const *p, char const *s, size_t n)
{
  cdb_data data;
  if (in_list(p->rcpthosts, p->rcpthosts_len, s, n)) return 1;
  if (!p->mrh_open || n > 255) return 0;
  char key[256];
  memcpy(key, s, n);
  lower_all(key, n);
  int r = cdb_find(&p->mrh, &data, key, (uint32_t)n);
  return r < 0 ? -1 : r > 0;
}

int smtpd_policy_rcpthost(smtpd_policy const *p, char const *domain)
{
  size_t n = strlen(domain);
  int r = listed(p, domain, n);
  for (size_t i = 1; !r && i < n; i++)
    if (domain[i] == '.') r = listed(p, domain + i, n - i);
  return r;
}

int smtpd_policy_badmailfrom(smtpd_policy const *p, char const *address)
{
  size_t n = strlen(address);
  char const *at = strrchr(address, '@');
  if (in_list(p->badmailfrom, p->badmailfrom_len, address, n)) return 1;
  return at && in_list(p->badmailfrom, p->badmailfrom_len, at, n - (size_t)(at - address));
}
