/* tlsd_priv: dropping root, and the client's address for the log.
 *
 * $UID and $GID (and $GIDLIST), as s6-envuidgid sets them, name the user
 * posta-tlsd and posta-smtpd run as; root without them is refused, since
 * neither must parse a byte from the network as root. Whoever it runs as,
 * the process is made undumpable: the SMTP parser, running as the same
 * user, can then neither trace it nor read its memory (and the key in it)
 * through /proc. See tlsd.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/envuid.h"
#include "common/nodump.h"
#include "posta-tlsd/tlsd.h"

void tlsd_drop(void)
{
  if (envuid_drop() < 0) {
    if (errno == EPERM) strerr_dief1x(100, "refusing to run as root: set UID and GID (s6-envuidgid)");
    strerr_diefu1sys(111, "drop privileges to $UID and $GID");
  }
  if (nodump() < 0) strerr_diefu1sys(111, "make the process undumpable");
}

void tlsd_client_ip(tlsd *t)
{
  tlsd_set_ip(t, getenv("TCPREMOTEIP"));
}

void tlsd_set_ip(tlsd *t, char const *s)
{
  size_t n = 0;
  for (; s && *s && n + 1 < sizeof t->ip; s++)
    t->ip[n++] = (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F') || *s == '.' || *s == ':' ? *s : '?';
  if (!n) t->ip[n++] = '?';
  t->ip[n] = 0;
}
