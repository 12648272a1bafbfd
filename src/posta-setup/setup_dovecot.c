/* setup_dovecot: writes DIR/dovecot/dovecot.conf, a private Dovecot
 * instance's configuration over this posta instance's mailboxes (IMAP and
 * POP3; doc/mailhost.md), from the template built in from dovecot/
 * (tools/gen-svc). It is posta's, rewritten on every run like the run
 * scripts; DIR/dovecot/local.conf, which it includes last, is the
 * operator's and never written here. TLS is on when control/servercert.pem
 * exists now (the key in it, or in control/serverkey.pem): Dovecot reads
 * both as root when it starts, so the key stays root's alone. Returns 0,
 * or -1 after a warning. */
#include "posta-setup/setup.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/durable.h"
#include "dovecot_templates.h"

#define FIRST_SYSTEM_UID 1000

enum { S_HOME, S_VUID, S_VGID, S_FIRSTUID, S_SSL, S_IMAPS, S_POP3S, S_N };

static int has_control(setup const *s, char const *name)
{
  char path[PATH_MAX];
  return (size_t)snprintf(path, sizeof path, "%s/control/%s", s->home, name) < sizeof path && access(path, F_OK) == 0;
}

/* ssl = yes with the instance's certificate, or no, and the ports of
 * imaps and pop3s (0: none) */
static void tls(setup const *s, setup_subst *subs)
{
  if (!has_control(s, "servercert.pem")) {
    snprintf(subs[S_SSL].value, sizeof subs[S_SSL].value,
             "# No control/servercert.pem when posta-setup ran: no TLS. Install one\n"
             "# (doc/tls.md), run posta-setup again, then reload Dovecot.\n"
             "ssl = no");
    snprintf(subs[S_IMAPS].value, sizeof subs[S_IMAPS].value, "0");
    snprintf(subs[S_POP3S].value, sizeof subs[S_POP3S].value, "0");
    return;
  }
  char const *key = has_control(s, "serverkey.pem") ? "serverkey.pem" : "servercert.pem";
  snprintf(subs[S_SSL].value, sizeof subs[S_SSL].value,
           "# posta's certificate (doc/tls.md): STARTTLS on 143 and 110, implicit\n"
           "# TLS on 993 and 995. Reload Dovecot after renewing it.\n"
           "ssl = yes\n"
           "ssl_cert = <%s/control/servercert.pem\n"
           "ssl_key = <%s/control/%s\n"
           "ssl_min_protocol = TLSv1.2",
           s->home, s->home, key);
  snprintf(subs[S_IMAPS].value, sizeof subs[S_IMAPS].value, "993");
  snprintf(subs[S_POP3S].value, sizeof subs[S_POP3S].value, "995");
}

int setup_dovecot(setup const *s)
{
  setup_subst subs[S_N] = { { "@HOME@", "" }, { "@VUID@", "" }, { "@VGID@", "" }, { "@FIRSTUID@", "" },
                            { "@SSL@", "" }, { "@IMAPS@", "" }, { "@POP3S@", "" } };
  uid_t vuid = s->r.uid[ROLE_V], owner = s->r.single ? s->r.uid[ROLE_Q] : 0;
  gid_t group = s->r.single ? s->r.gid[ROLE_Q] : 0;
  snprintf(subs[S_HOME].value, sizeof subs[S_HOME].value, "%s", s->home);
  snprintf(subs[S_VUID].value, sizeof subs[S_VUID].value, "%u", (unsigned)vuid);
  snprintf(subs[S_VGID].value, sizeof subs[S_VGID].value, "%u", (unsigned)s->r.gid[ROLE_V]);
  /* posta-v's mailboxes, and system accounts from 1000 on (Debian's) */
  snprintf(subs[S_FIRSTUID].value, sizeof subs[S_FIRSTUID].value, "%u",
           (unsigned)(vuid && vuid < FIRST_SYSTEM_UID ? vuid : FIRST_SYSTEM_UID));
  tls(s, subs);
  for (unsigned i = 0; i < sizeof dovecot_templates / sizeof *dovecot_templates; i++) {
    char path[PATH_MAX], tmp[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/dovecot/%s", s->home, dovecot_templates[i].path) >= sizeof path) return -1;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) return -1;
    char *text = setup_expand(dovecot_templates[i].text, subs, S_N);
    if (!text) { strerr_warnwu2sys("expand the template of ", path); return -1; }
    int r = durable_replace(path, tmp, text, strlen(text), 0644);
    free(text);
    if (r < 0) { strerr_warnwu2sys("write ", path); return -1; }
    if (setup_own(path, owner, group, 0644) < 0) return -1;
  }
  return 0;
}
