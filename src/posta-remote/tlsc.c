/* tlsc: outbound STARTTLS. See tlsc.h. */
#include "posta-remote/tlsc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <tls.h>

int tlsc_required(job const *j)
{
  tlsdest d;
  /* a malformed line that applies counts as listed: never less TLS */
  return tlsdest_find(j->tlsdest, j->tlsdestlen, j->domain, &d, 0) != 0;
}

static struct tls_config *config_new(void)
{
  if (tls_init() < 0) return 0;
  struct tls_config *c = tls_config_new();
  if (c && tls_config_set_protocols(c, TLS_PROTOCOL_TLSv1_2 | TLS_PROTOCOL_TLSv1_3) < 0) {
    tls_config_free(c);
    return 0;
  }
  return c;
}

/* The configuration of a destination that is not listed: no verification. */
static struct tls_config *config(job *j)
{
  if (j->tlsconf) return j->tlsconf;
  struct tls_config *c = config_new();
  if (!c) return 0;
  tls_config_insecure_noverifycert(c);
  tls_config_insecure_noverifyname(c);
  j->tlsconf = c;
  return c;
}

int tlsc_prepare(job *j, char *why, size_t size)
{
  char const *line = "";
  if (tlsdest_find(j->tlsdest, j->tlsdestlen, j->domain, &j->tls, &line) < 0) {
    snprintf(why, size, "control/tlsdestinations: malformed line: %s", line);
    return -1;
  }
  if (!j->tls.listed) return 0;
  char const *ca = j->tls.ca[0] ? j->tls.ca : TLSC_SYSTEM_CA;
  struct tls_config *c = config_new();
  if (!c) {
    snprintf(why, size, "posta-remote: unable to set up TLS: out of memory");
    return -1;
  }
  /* the chain is libtls's to check, the name ours: the exchanger's or a
   * name= of the line, which libtls's single server name cannot say */
  tls_config_insecure_noverifyname(c);
  if (tls_config_set_ca_file(c, ca) < 0) {
    snprintf(why, size, "control/tlsdestinations: unable to read the CA file %s: %s", ca, tls_config_error(c));
    tls_config_free(c);
    return -1;
  }
  j->tlsconf = c;
  return 0;
}

void tlsc_free(job *j)
{
  if (j->tlsconf) tls_config_free(j->tlsconf);
  j->tlsconf = 0;
}

/* printable, for a log line or a result */
static void clean(char *s)
{
  for (; *s; s++) if ((unsigned char)*s < 32 || (unsigned char)*s > 126) *s = '?';
}

/* 1 when the peer's certificate names host (the exchanger, or its address
 * when it has no name) or a name= of the line. */
static int name_ok(job const *j, struct tls *t, char const *host)
{
  size_t pos = 0;
  if (tls_peer_cert_contains_name(t, host) == 1) return 1;
  for (char const *n; (n = tlsdest_name(&j->tls, &pos));)
    if (tls_peer_cert_contains_name(t, n) == 1) return 1;
  return 0;
}

/* The handshake on c: 0, or -1 with why filled. */
static int handshake(job *j, smtpc *c, char const *host, char const *ip, char *why, size_t size)
{
  struct tls_config *conf = j->tls.listed ? j->tlsconf : config(j);
  struct tls *t = conf ? tls_client() : 0;
  if (!t || tls_configure(t, conf) < 0 || tls_connect_socket(t, c->io.fd, host[0] ? host : 0) < 0) {
    snprintf(why, size, "%s", t ? tls_error(t) : "out of memory");
    if (t) tls_free(t);
    return -1;
  }
  netio_tls(&c->io, t);
  if (netio_handshake(&c->io) < 0) {
    char const *e = errno == ETIMEDOUT ? "timeout" : tls_error(t);
    snprintf(why, size, "%s", e ? e : "connection closed");
    return -1;
  }
  if (j->tls.listed && !name_ok(j, t, host[0] ? host : ip)) {
    snprintf(why, size, "the certificate does not name %s%s", host[0] ? host : ip,
             j->tls.nameslen ? " nor a name= of control/tlsdestinations" : "");
    return -1;
  }
  snprintf(j->tlsnote, sizeof j->tlsnote, "%s %s%s", tls_conn_version(t), tls_conn_cipher(t),
           j->tls.listed ? " verified" : "");
  clean(j->tlsnote);
  return 0;
}

/* A target we leave for the next one, TLS being required. */
static int skip(job *j, smtpc *c, char const *what, char const *why, int drop)
{
  resultline_textf(j->last, sizeof j->last, "%s %s%s%s (control/tlsdestinations requires TLS%s)", c->mta, what,
               why ? ": " : "", why ? why : "", j->tls.listed ? " with a verified certificate" : "");
  memcpy(j->laststatus, "4.7.5", 6);
  j->lastmta[0] = 0;
  j->tlsmissed = 1;
  if (drop) smtpc_drop(c);
  else smtpc_quit(c);
  return TLSC_NEXT;
}

int tlsc_step(job *j, smtpc *c, int plain, char const *host, char const *ip)
{
  char why[300];
  int must = j->tls.listed;
  j->tlsnote[0] = 0;
  if (plain) return TLSC_GO;
  if (!(c->features & SMTPC_STARTTLS)) return must ? skip(j, c, "does not offer STARTTLS", 0, 0) : TLSC_GO;
  int lost = smtpc_command(c, "STARTTLS\r\n") < 0;
  if (lost) snprintf(why, sizeof why, "the connection was lost at STARTTLS");
  else if (c->reply.code != 220) return must ? skip(j, c, "refused STARTTLS", 0, 0) : TLSC_GO;
  /* bytes the server sent behind its 220 came in plain text: never to be
   * read as part of the encrypted session (the CVE-2011-0411 class) */
  if (!lost && c->io.inpos < c->io.inlen) {
    lost = 1;
    snprintf(why, sizeof why, "the server sent data behind its 220 to STARTTLS");
  }
  if (lost || handshake(j, c, host, ip, why, sizeof why) < 0) {
    clean(why);
    fprintf(stderr, "posta-remote: warning: TLS handshake with %s failed: %s%s\n", c->mta, why,
            must ? "; TLS is required for this domain, with a verified certificate" : "; trying again in plain text");
    if (must) return skip(j, c, "failed the TLS handshake", why, 1);
    smtpc_drop(c);
    return TLSC_PLAIN;
  }
  int r = smtpc_ehlo(c, j->helo);
  if (r) {
    resultline_textf(j->last, sizeof j->last, "%s %s after STARTTLS", c->mta, r < 0 ? "closed the connection" : "refused EHLO");
    j->lastmta[0] = 0;
    if (r < 0) smtpc_drop(c);
    else smtpc_quit(c);
    return TLSC_NEXT;
  }
  return TLSC_GO;
}
