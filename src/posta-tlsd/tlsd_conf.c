/* tlsd_conf: the certificate, the key and the timeout, read from control/
 * for each connection, so that a new certificate applies to the next
 * connection without a restart. The key's file contents are wiped from
 * memory once libtls holds the key. A certificate or key that cannot be
 * used is logged and reported (-1): the caller decides whether the session
 * goes on without TLS. tlsd_conf_server is also posta-showctl's check of
 * the certificate: one judgement of what posta-tlsd can use. See tlsd.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include <skalibs/strerr.h>

#include "common/control.h"
#include "posta-tlsd/tlsd.h"

#define CERTFILE "control/servercert.pem"
#define KEYFILE "control/serverkey.pem"

static uint8_t *load(char const *fn, size_t *len, char *why, size_t n)
{
  uint8_t *p = tls_load_file(fn, len, 0);
  if (!p) snprintf(why, n, "unable to read %s: not a readable PEM file", fn);
  return p;
}

static int keypair(struct tls_config *conf, char *why, size_t n)
{
  struct stat st;
  size_t clen, klen = 0;
  uint8_t *cert = load(CERTFILE, &clen, why, n);
  if (!cert) return -1;
  /* an ACME client writes the key apart; else it is in servercert.pem */
  int apart = stat(KEYFILE, &st) == 0;
  uint8_t *key = apart ? load(KEYFILE, &klen, why, n) : cert;
  if (!apart) klen = clen;
  int r = key ? tls_config_set_keypair_mem(conf, cert, clen, key, klen) : -1;
  if (key && r < 0) snprintf(why, n, "unable to use the certificate and key of %s: %s", CERTFILE, tls_config_error(conf));
  if (apart && key) tls_unload_file(key, klen);
  tls_unload_file(cert, clen);
  return r;
}

int tlsd_conf_server(struct tls_config **conf, struct tls **server, char *why, size_t n)
{
  *server = 0;
  if (tls_init() < 0) strerr_diefu1x(111, "initialise libtls");
  *conf = tls_config_new();
  if (!*conf) strerr_diefu1sys(111, "allocate a TLS configuration");
  if (tls_config_set_protocols(*conf, TLS_PROTOCOL_TLSv1_2 | TLS_PROTOCOL_TLSv1_3) < 0
      || tls_config_set_ciphers(*conf, "secure") < 0)
    strerr_diefu2x(111, "set the TLS protocols: ", tls_config_error(*conf));
  if (keypair(*conf, why, n) < 0) return -1;
  *server = tls_server();
  if (!*server) strerr_diefu1sys(111, "allocate a TLS server");
  if (tls_configure(*server, *conf) < 0) {
    snprintf(why, n, "unable to configure TLS: %s", tls_error(*server));
    return -1;
  }
  /* the server context holds the key now: no copy left in the config */
  tls_config_clear_keys(*conf);
  return 1;
}

int tlsd_conf_load(tlsd *t)
{
  char why[600];
  struct stat st;
  unsigned long v;
  if (control_ulong("control/timeoutsmtpd", &v, TLSD_TIMEOUT_DEFAULT) < 0) strerr_diefu1sys(111, "read control/timeoutsmtpd");
  t->timeout = !v ? TLSD_TIMEOUT_DEFAULT : v > 86400 ? 86400 : (unsigned)v;
  if (stat(CERTFILE, &st) < 0) {
    if (errno == ENOENT) return 0;
    strerr_diefu2sys(111, "stat ", CERTFILE);
  }
  if (tlsd_conf_server(&t->conf, &t->server, why, sizeof why) < 0) {
    strerr_warnw1x(why);
    return -1;
  }
  return 1;
}
