/* setup_names: the host's names. setup_me picks control/me for a new
 * instance: the node name when it has a dot, else the fully qualified name
 * the resolver library gives for it (getaddrinfo's canonical name, what
 * hostname -f prints, from /etc/hosts on most systems) when that one has a
 * dot, else the node name all the same. setup_names_warn (posta-setup -c)
 * warns on stderr when control/me or the defaultdomain in force has no dot,
 * with the command that fixes it. Never exits; writes no file. */
#include "posta-setup/setup.h"

#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/control.h"

/* 1 when s is a host name fit for control/me: letters, digits, '-', '_'
 * and '.', not starting or ending with a dot, at most 253 bytes. */
static int name_ok(char const *s)
{
  size_t n = strlen(s);
  if (!n || n > 253 || s[0] == '.' || s[n - 1] == '.') return 0;
  return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n;
}

static void lower(char *s)
{
  for (; *s; s++)
    if (*s >= 'A' && *s <= 'Z') *s = (char)(*s + 32);
}

/* The resolver's canonical name for node into buf when it is a fit name
 * with a dot; buf untouched otherwise. */
static void canonical(char const *node, char *buf, size_t size)
{
  struct addrinfo hints, *ai = 0;
  memset(&hints, 0, sizeof hints);
  hints.ai_flags = AI_CANONNAME;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(node, 0, &hints, &ai) != 0 || !ai) return;
  char const *c = ai->ai_canonname;
  if (c && strchr(c, '.') && name_ok(c) && strlen(c) < size) strcpy(buf, c);
  freeaddrinfo(ai);
}

void setup_me(char *buf, size_t size)
{
  char host[256];
  if (gethostname(host, sizeof host - 1) < 0 || !name_ok(host)) strcpy(host, "localhost");
  host[sizeof host - 1] = 0;
  if (!strchr(host, '.')) canonical(host, host, sizeof host);
  lower(host);
  snprintf(buf, size, "%s", host);
}

/* A copy of s fit for a message: no control character. */
static void shown(char *dst, size_t size, char const *s)
{
  snprintf(dst, size, "%s", s);
  for (char *p = dst; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
}

/* The warnings for me and for the defaultdomain in force (dd, from file
 * when set there). */
static void warn_me(char const *home, char const *me)
{
  char show[256], line[4 * PATH_MAX];
  shown(show, sizeof show, me);
  snprintf(line, sizeof line, "control/me is %s, without a dot: other servers may refuse it in EHLO,"
           " and bounces and Message-IDs use it", show);
  strerr_warnw1x(line);
  snprintf(line, sizeof line, "to name the host (INSTALL, step 2), with its full name: echo mail.example.com > %s/control/me"
           " && echo mail.example.com >> %s/control/locals && echo mail.example.com >> %s/control/rcpthosts",
           home, home, home);
  strerr_warnw1x(line);
}

static void warn_dd(char const *home, char const *dd, int file)
{
  char show[256], line[2 * PATH_MAX];
  shown(show, sizeof show, dd);
  snprintf(line, sizeof line, "defaultdomain is %s%s, without a dot: sendmail and posta-inject leave hosts"
           " without a dot as they are; to qualify them: echo example.com > %s/control/defaultdomain",
           show, file ? "" : " (control/me)", home);
  strerr_warnw1x(line);
}

void setup_names_warn(char const *home)
{
  char fn[PATH_MAX], me[256], dd[256];
  if ((size_t)snprintf(fn, sizeof fn, "%s/control/me", home) >= sizeof fn) return;
  if (control_line(fn, me, sizeof me, "localhost") < 0) {
    strerr_warnwu2sys("read ", fn);
    return;
  }
  if (!strchr(me, '.')) warn_me(home, me);
  if ((size_t)snprintf(fn, sizeof fn, "%s/control/defaultdomain", home) >= sizeof fn) return;
  int r = control_line(fn, dd, sizeof dd, 0);
  if (r < 0) {
    strerr_warnwu2sys("read ", fn);
    return;
  }
  int file = r > 0 && dd[0];
  if (!file) strcpy(dd, me);
  if (!strchr(dd, '.')) warn_dd(home, dd, file);
}
