/* inject_host: qmail's rules for addresses that lack a domain, as local
 * submission (sendmail, posta-inject) applies them to envelope addresses
 * and to the From it makes up.
 *
 * An address without '@' (or with nothing after it) gets "@defaulthost".
 * Then its host: a domain literal ("[...]") stays; a host ending in '+'
 * loses the '+' and gets ".plusdomain" (a lone "+" becomes plusdomain);
 * a host without a dot gets ".defaultdomain" unless it is one this
 * instance delivers (control/locals, or control/virtualdomains with a
 * prefix: sk/lookup.h's users map and posta-user's mailboxes only serve
 * those), "localhost", defaultdomain itself, or unless defaultdomain has no
 * dot either (appending it could only make a name that does not exist):
 * on a host named "vm", root@vm stays root@vm, never root@vm.vm, and
 * demo@localhost stays demo@localhost. Names compare without case.
 * control/defaulthost,
 * defaultdomain, plusdomain and idhost (for Message-IDs) default to
 * control/me, and the environment may override each (QMAILDEFAULTHOST,
 * QMAILDEFAULTDOMAIN, QMAILPLUSDOMAIN, QMAILIDHOST): these programs run as
 * their caller, who may write any header anyway. Never exits. */
#ifndef POSTA_INJECT_HOST_H
#define POSTA_INJECT_HOST_H

#include <stddef.h>

#include <skalibs/stralloc.h>

#include "common/domains.h"

#define INJECT_HOST_MAX 256

typedef struct inject_hosts_s inject_hosts;
struct inject_hosts_s {
  char defaulthost[INJECT_HOST_MAX];
  char defaultdomain[INJECT_HOST_MAX];
  char plusdomain[INJECT_HOST_MAX];
  char idhost[INJECT_HOST_MAX];
  domains local;          /* what the instance delivers; zero: nothing */
};

/* Reads the settings from home's control/ folder, and its local domains
 * (common/domains.h). 0, or -1 with errno and *failed naming the file that
 * could not be read. control/me missing means the system's host name. The
 * structure is zeroed or loaded before (loading again frees the old
 * domains); inject_host_free frees what this allocated. */
int inject_host_load(inject_hosts *, char const *home, char const **failed);
void inject_host_free(inject_hosts *);
/* Appends addr[0..len) completed by the rules above to out, no NUL added.
 * 0, or -1 with errno ENAMETOOLONG (the result would exceed 1000 bytes) or
 * ENOMEM; out is then as it was. The null address (len 0) stays empty. */
int inject_host_fix(inject_hosts const *, char const *addr, size_t len, stralloc *out);

#endif
