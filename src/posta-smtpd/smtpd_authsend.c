/* smtpd_authsend: which senders an authenticated login may use.
 *
 * Its own address (the login when it holds an '@', else login@me), the
 * null sender (bounces and receipts carry it), and what control/authsenders
 * gives it: lines "LOGIN ADDRESS", where ADDRESS is an address, "@domain"
 * for every address at that domain, or "*" for any. Everything compares
 * without case. The file is read at each MAIL of an authenticated session
 * (at most SMTPD_AUTHSEND_FILEMAX octets). See smtpd_auth.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/control.h"
#include "posta-smtpd/smtpd_auth.h"

#define SMTPD_AUTHSEND_FILEMAX (4 << 20)

static int own(char const *login, char const *sender, char const *me)
{
  if (strchr(login, '@')) return !strcasecmp(login, sender);
  size_t n = strlen(login);
  char const *at = strrchr(sender, '@');
  return at && (size_t)(at - sender) == n && !strncasecmp(sender, login, n) && !strcasecmp(at + 1, me);
}

/* One entry's address part against the sender. */
static int grants(char const *what, char const *sender)
{
  if (!strcmp(what, "*")) return 1;
  if (what[0] == '@') {
    char const *at = strrchr(sender, '@');
    return at && !strcasecmp(at + 1, what + 1);
  }
  return !strcasecmp(what, sender);
}

static int listed(char const *buf, size_t len, char const *login, char const *sender)
{
  size_t pos = 0;
  size_t n = strlen(login);
  for (char const *item; (item = control_next(buf, len, &pos));) {
    if (strncasecmp(item, login, n) || (item[n] != ' ' && item[n] != '\t')) continue;
    char const *what = item + n;
    while (*what == ' ' || *what == '\t') what++;
    if (*what && grants(what, sender)) return 1;
  }
  return 0;
}

int smtpd_authsend_ok(char const *login, char const *sender, char const *me)
{
  char *buf;
  size_t len;
  if (!*sender || own(login, sender, me)) return 1;
  int r = control_lines("control/authsenders", SMTPD_AUTHSEND_FILEMAX, &buf, &len);
  if (r < 0) return -1;
  if (!r) return 0;
  r = listed(buf, len, login, sender);
  free(buf);
  return r;
}
