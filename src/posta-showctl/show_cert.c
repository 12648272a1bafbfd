/* show_cert: control/servercert.pem and control/serverkey.pem as an
 * operator needs to see them: whether posta-tlsd can use them (its own
 * tlsd_conf_server judges, linked in), the certificate's subject and
 * expiry (OpenSSL's libcrypto, which libtls is built on), and a key that
 * others than its owner may read, flagged as invalid. Files are opened
 * without following a link and without blocking. See showctl.h. */
#include "posta-showctl/showctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/slurp.h"
#include "posta-tlsd/tlsd.h"
#include "sk/date822.h"

#define PEM_MAX (1u << 20)
#define KEYFILE "control/serverkey.pem"

/* The whole file, NUL-terminated (slurp_fd), and its mode: 0, or -1
 * with errno; anything but a regular file is refused. */
static int slurp(char const *fn, char **buf, size_t *len, mode_t *mode)
{
  struct stat st;
  int fd = open(fn, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -1;
  int r = fstat(fd, &st) < 0 ? -1 : !S_ISREG(st.st_mode) ? (errno = EPROTO, -1) : slurp_fd(fd, PEM_MAX, buf, len);
  int e = errno;
  close(fd);
  if (r < 0) return errno = e, -1;
  *mode = st.st_mode & 07777;
  return 0;
}

static int unreadable(stralloc *v)
{
  return stralloc_cats(v, strerror(errno)) ? SHOWCTL_UNREADABLE : -1;
}

/* ", key readable by others (mode 0644): chmod 600 it" when mode lets
 * anyone but the owner read a file holding a private key. 1 flagged. */
static int open_key(stralloc *v, mode_t mode, char const *what)
{
  char m[80];
  if (!(mode & 077)) return 0;
  snprintf(m, sizeof m, "%s readable by others (mode %04o): chmod 600 it", what, (unsigned)mode);
  return stralloc_cats(v, m) ? 1 : -1;
}

/* "subject CN=..., expires DATE" of the first certificate of pem. */
static int describe(stralloc *v, char const *pem, size_t len)
{
  char d[DATE822_MAX], *name = 0;
  long nlen;
  struct tm tm;
  int ok = 0;
  BIO *in = BIO_new_mem_buf(pem, (int)len), *out = BIO_new(BIO_s_mem());
  X509 *x = in ? PEM_read_bio_X509(in, 0, 0, 0) : 0;
  if (x && out && X509_NAME_print_ex(out, X509_get_subject_name(x), 0, XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ) >= 0
      && ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1) {
    time_t end = timegm(&tm);
    nlen = BIO_get_mem_data(out, &name);
    date822_utc(d, sizeof d, end);
    ok = stralloc_cats(v, "subject ") && showctl_escape(v, name, (size_t)nlen, 1) == 0
      && stralloc_cats(v, end < time(0) ? ", EXPIRED " : ", expires ") && stralloc_cats(v, d);
    ok = ok ? 1 : -1;
  }
  X509_free(x);
  BIO_free(in);
  BIO_free(out);
  return ok;
}

/* What posta-tlsd says of the pair: 0 usable, 1 not (why appended). */
static int usable(stralloc *v)
{
  struct tls_config *conf;
  struct tls *server;
  char why[600];
  int r = tlsd_conf_server(&conf, &server, why, sizeof why);
  tls_free(server);
  tls_config_free(conf);
  if (r > 0) return 0;
  return stralloc_cats(v, "invalid, posta-tlsd cannot use it: ") && showctl_escape(v, why, strlen(why), 1) == 0 ? 1 : -1;
}

int showctl_cert(stralloc *v, char const *fn)
{
  char *pem;
  size_t len;
  mode_t mode;
  struct stat st;
  int status = SHOWCTL_OK;
  if (slurp(fn, &pem, &len, &mode) < 0) return unreadable(v);
  /* the key is in this file unless serverkey.pem exists (posta-tlsd's rule) */
  int inside = strstr(pem, "PRIVATE KEY-----") != 0 && stat(KEYFILE, &st) < 0;
  int r = usable(v);
  if (r == 1) status = SHOWCTL_INVALID;
  if (!r && (r = describe(v, pem, len)) == 0) r = stralloc_cats(v, "a certificate without a readable subject or expiry") ? 1 : -1;
  free(pem);
  if (r >= 0 && inside && (mode & 077)) {
    status = SHOWCTL_INVALID;
    if (!stralloc_cats(v, "; ") || open_key(v, mode, "invalid: its key is") < 0) r = -1;
  }
  return r < 0 ? -1 : status;
}

int showctl_key(stralloc *v, char const *fn)
{
  char *pem;
  size_t len;
  mode_t mode;
  char m[64];
  if (slurp(fn, &pem, &len, &mode) < 0) return unreadable(v);
  int key = strstr(pem, "PRIVATE KEY-----") != 0;
  free(pem);
  if (!key) return stralloc_cats(v, "invalid: no private key in it") ? SHOWCTL_INVALID : -1;
  int k = open_key(v, mode, "invalid: the key is");
  if (k) return k < 0 ? -1 : SHOWCTL_INVALID;
  snprintf(m, sizeof m, "a private key, mode %04o", (unsigned)mode);
  return stralloc_cats(v, m) ? SHOWCTL_OK : -1;
}
