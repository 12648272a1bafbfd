/* tlsc: outbound STARTTLS. See tlsc.h. */
#include "posta-remote/tlsc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <tls.h>

#include "common/control.h"

int tlsc_required(job const *j)
{
  size_t pos = 0, n = strlen(j->domain);
  for (char const *item; (item = control_next(j->tlsdest, j->tlsdestlen, &pos));) {
    size_t k = strlen(item);
    if (!strcasecmp(item, j->domain)) return 1;
    if (item[0] == '.' && n > k && !strcasecmp(j->domain + n - k, item)) return 1;
  }
  return 0;
}

static struct tls_config *config(job *j)
{
  if (j->tlsconf) return j->tlsconf;
  if (tls_init() < 0) return 0;
  struct tls_config *c = tls_config_new();
  if (!c) return 0;
  if (tls_config_set_protocols(c, TLS_PROTOCOL_TLSv1_2 | TLS_PROTOCOL_TLSv1_3) < 0) {
    tls_config_free(c);
    return 0;
  }
  tls_config_insecure_noverifycert(c);
  tls_config_insecure_noverifyname(c);
  j->tlsconf = c;
  return c;
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

/* The handshake on c: 0, or -1 with why filled. */
static int handshake(job *j, smtpc *c, char const *host, char *why, size_t size)
{
  struct tls_config *conf = config(j);
  struct tls *t = conf ? tls_client() : 0;
  if (!t || tls_configure(t, conf) < 0 || tls_connect_socket(t, c->io.fd, host) < 0) {
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
  snprintf(j->tlsnote, sizeof j->tlsnote, "%s %s", tls_conn_version(t), tls_conn_cipher(t));
  clean(j->tlsnote);
  return 0;
}

/* A target we leave for the next one, TLS being required. */
static int skip(job *j, smtpc *c, char const *what, int drop)
{
  result_textf(j->last, sizeof j->last, "%s %s (control/tlsdestinations requires TLS)", c->mta, what);
  memcpy(j->laststatus, "4.7.5", 6);
  j->lastmta[0] = 0;
  j->tlsmissed = 1;
  if (drop) smtpc_drop(c);
  else smtpc_quit(c);
  return TLSC_NEXT;
}

int tlsc_step(job *j, smtpc *c, int plain, char const *host)
{
  char why[200];
  int must = tlsc_required(j);
  j->tlsnote[0] = 0;
  if (plain) return TLSC_GO;
  if (!(c->features & SMTPC_STARTTLS)) return must ? skip(j, c, "does not offer STARTTLS", 0) : TLSC_GO;
  int lost = smtpc_command(c, "STARTTLS\r\n") < 0;
  if (lost) snprintf(why, sizeof why, "the connection was lost at STARTTLS");
  else if (c->reply.code != 220) return must ? skip(j, c, "refused STARTTLS", 0) : TLSC_GO;
  /* bytes the server sent behind its 220 came in plain text: never to be
   * read as part of the encrypted session (the CVE-2011-0411 class) */
  if (!lost && c->io.inpos < c->io.inlen) {
    lost = 1;
    snprintf(why, sizeof why, "the server sent data behind its 220 to STARTTLS");
  }
  if (lost || handshake(j, c, host[0] ? host : 0, why, sizeof why) < 0) {
    clean(why);
    fprintf(stderr, "posta-remote: warning: TLS handshake with %s failed: %s%s\n", c->mta, why,
            must ? "; TLS is required for this domain" : "; trying again in plain text");
    if (must) return skip(j, c, "failed the TLS handshake", 1);
    smtpc_drop(c);
    return TLSC_PLAIN;
  }
  int r = smtpc_ehlo(c, j->helo);
  if (r) {
    result_textf(j->last, sizeof j->last, "%s %s after STARTTLS", c->mta, r < 0 ? "closed the connection" : "refused EHLO");
    j->lastmta[0] = 0;
    if (r < 0) smtpc_drop(c);
    else smtpc_quit(c);
    return TLSC_NEXT;
  }
  return TLSC_GO;
}
