/* tlsd_conf: the certificate, the key and the timeout, read from control/
 * for each connection, so that a new certificate applies to the next
 * connection without a restart. The key's file contents are wiped from
 * memory once libtls holds the key. A certificate or key that cannot be
 * used is logged and reported (-1): the caller decides whether the session
 * goes on without TLS. See tlsd.h. */
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>

#include <skalibs/strerr.h>

#include "common/control.h"
#include "posta-tlsd/tlsd.h"

#define CERTFILE "control/servercert.pem"
#define KEYFILE "control/serverkey.pem"

static uint8_t *load(char const *fn, size_t *len)
{
  uint8_t *p = tls_load_file(fn, len, 0);
  if (!p) strerr_warnwu3x("read ", fn, ": not a readable PEM file");
  return p;
}

static int keypair(tlsd *t)
{
  struct stat st;
  size_t clen, klen = 0;
  uint8_t *cert = load(CERTFILE, &clen);
  if (!cert) return -1;
  /* an ACME client writes the key apart; else it is in servercert.pem */
  int apart = stat(KEYFILE, &st) == 0;
  uint8_t *key = apart ? load(KEYFILE, &klen) : cert;
  if (!apart) klen = clen;
  int r = key ? tls_config_set_keypair_mem(t->conf, cert, clen, key, klen) : -1;
  if (key && r < 0) strerr_warnwu4x("use the certificate and key of ", CERTFILE, ": ", tls_config_error(t->conf));
  if (apart && key) tls_unload_file(key, klen);
  tls_unload_file(cert, clen);
  return r;
}

int tlsd_conf_load(tlsd *t)
{
  struct stat st;
  unsigned long v;
  if (control_ulong("control/timeoutsmtpd", &v, TLSD_TIMEOUT_DEFAULT) < 0) strerr_diefu1sys(111, "read control/timeoutsmtpd");
  t->timeout = !v ? TLSD_TIMEOUT_DEFAULT : v > 86400 ? 86400 : (unsigned)v;
  if (stat(CERTFILE, &st) < 0) {
    if (errno == ENOENT) return 0;
    strerr_diefu2sys(111, "stat ", CERTFILE);
  }
  if (tls_init() < 0) strerr_diefu1x(111, "initialise libtls");
  t->conf = tls_config_new();
  if (!t->conf) strerr_diefu1sys(111, "allocate a TLS configuration");
  if (tls_config_set_protocols(t->conf, TLS_PROTOCOL_TLSv1_2 | TLS_PROTOCOL_TLSv1_3) < 0
      || tls_config_set_ciphers(t->conf, "secure") < 0)
    strerr_diefu2x(111, "set the TLS protocols: ", tls_config_error(t->conf));
  if (keypair(t) < 0) return -1;
  t->server = tls_server();
  if (!t->server) strerr_diefu1sys(111, "allocate a TLS server");
  if (tls_configure(t->server, t->conf) < 0) {
    strerr_warnwu2x("configure TLS: ", tls_error(t->server));
    return -1;
  }
  /* the server context holds the key now: no copy left in the config */
  tls_config_clear_keys(t->conf);
  return 1;
}
