/* smtpd_worker: serve the pool's connections one after another. See
 * smtpd_worker.h.
 *
 * What one session leaves must never reach the next: the session struct is
 * allocated for it and wiped (explicit_bzero) before it is freed, the
 * message that carried its variables too, and the environment is the
 * worker's own again before the next message is read: RELAYCLIENT of one
 * client is never another's. Never exits. */
#include "posta-smtpd/smtpd_worker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/fdpass.h"

#include "posta-smtpd/smtpd.h"
#include "sk/lookup.h"

extern char **environ;

char const *const smtpd_worker_session_vars[] = {
  "PROTO", "TCPLOCALHOST", "TCPLOCALIP", "TCPLOCALPORT", "TCPREMOTEHOST",
  "TCPREMOTEINFO", "TCPREMOTEIP", "TCPREMOTEPORT", "RELAYCLIENT",
  "POSTA_TLSFD", "SSL_PROTOCOL", "SSL_CIPHER", 0
};

static size_t name_len(char const *s)
{
  char const *eq = strchr(s, '=');
  return eq ? (size_t)(eq - s) : strlen(s);
}

static int same_name(char const *a, char const *b)
{
  size_t n = name_len(a);
  return n == name_len(b) && !memcmp(a, b, n);
}

static int is_session_var(char const *s)
{
  size_t n = name_len(s);
  for (char const *const *v = smtpd_worker_session_vars; *v; v++)
    if (strlen(*v) == n && !memcmp(*v, s, n)) return 1;
  return 0;
}

/* The index of a variable named like s among env[0..n), or n. */
static size_t find(char **env, size_t n, char const *s)
{
  size_t i = 0;
  while (i < n && !same_name(env[i], s)) i++;
  return i;
}

char **smtpd_worker_env(char *const *base, char const *msg, size_t len)
{
  size_t nb = 0, nm = 0, n = 0;
  while (base && base[nb]) nb++;
  for (size_t i = 0; i < len; i++) nm += !msg[i];
  char **env = calloc(nb + nm + 1, sizeof *env);
  if (!env) return 0;
  for (size_t pos = 0; pos < len;) {
    char *s = (char *)msg + pos;
    size_t k = strlen(s);
    pos += k + 1;
    if (!k || !strchr(s, '=')) continue;
    size_t i = find(env, n, s);
    env[i] = s;
    if (i == n) n++;
  }
  size_t fromsession = n;
  for (size_t i = 0; i < nb; i++)
    if (!is_session_var(base[i]) && find(env, fromsession, base[i]) == fromsession) env[n++] = base[i];
  env[n] = 0;
  return env;
}

/* One message from the pool: its length (the client's socket in fd[0],
 * posta-tlsd's control socket in fd[1] for "T" and "I"), 0 at end of
 * file, -1 on error. A message with other descriptors than its kind
 * wants, or cut short, is refused (EPROTO), its descriptors closed. */
static ssize_t receive(int ctl, char *buf, size_t size, int *fd)
{
  fdpass_got got;
  ssize_t r = fdpass_recvn(ctl, buf, size - 1, 0, &got, 2);
  fd[0] = fd[1] = -1;
  unsigned want = r > 0 && buf[0] == 'C' ? 1 : r > 0 && (buf[0] == 'T' || buf[0] == 'I') ? 2 : 0;
  if (r > 0 && want && got.nfd == want && !got.truncated) {
    fd[0] = got.fds[0];
    fd[1] = got.fds[1];
    buf[r] = 0;
    return r;
  }
  for (unsigned i = 0; i < 2; i++)
    if (got.fds[i] >= 0) close(got.fds[i]);
  if (r > 0) errno = EPROTO;
  return r > 0 ? -1 : r;
}

/* posta-tlsd's word on an implicit TLS session, "Yversion cipher\n", into
 * line (the LF dropped): 0, or -1 (the handshake failed, it said why). */
static int handshake_done(int fd, char *line, size_t size)
{
  ssize_t n = smtpd_tls_getline(fd, line, size, SMTPD_WORKER_TLS_WAIT_MS);
  return n > 2 && line[0] == 'Y' ? 0 : -1;
}

/* The TLS variables of the session, after the pool's (which they
 * replace: a tcprules rule never sets them): POSTA_TLSFD for "T",
 * SSL_PROTOCOL and SSL_CIPHER for "I" once the handshake is done, all
 * empty for "C". Added to buf at *len (of size): 0, or -1 (the session
 * ends). */
static int tls_vars(char kind, int ctl, char *buf, size_t size, size_t *len)
{
  char line[160], fdnum[16] = "";
  char const *version = "", *cipher = "";
  if (kind == 'T') snprintf(fdnum, sizeof fdnum, "%d", ctl);
  if (kind == 'I') {
    if (handshake_done(ctl, line, sizeof line) < 0) return -1;
    char *sp = strchr(line, ' ');
    if (sp) { *sp = 0; cipher = sp + 1; }
    version = line + 1;
  }
  int k = snprintf(buf + *len, size - *len, "POSTA_TLSFD=%s%cSSL_PROTOCOL=%s%cSSL_CIPHER=%s%c", fdnum, 0, version, 0, cipher, 0);
  if (k < 0 || (size_t)k >= size - *len) return -1;
  *len += (size_t)k;
  return 0;
}

/* One session on fd, with the environment env: the struct fresh, then
 * wiped. */
static void session(int fd, int submission)
{
  smtpd *s = calloc(1, sizeof *s);
  if (!s) {
    write(fd, "421 4.3.0 out of memory\r\n", 25);
    strerr_warnwu1sys("allocate a session");
    return;
  }
  if (smtpd_session_init(s, lookup_exists, fd, fd) < 0) {
    write(fd, "421 4.3.0 unable to read the settings\r\n", 39);
    strerr_warnwu1sys("read settings in control");
  } else {
    s->auth.submission = submission;
    smtpd_session_run(s);
    smtpd_session_free(s);
  }
  explicit_bzero(s, sizeof *s);
  free(s);
}

int smtpd_worker_run(int ctl, int submission)
{
  static char buf[SMTPD_WORKER_MSG_MAX];
  char **base = environ;
  for (;;) {
    int fd[2];
    ssize_t r = receive(ctl, buf, sizeof buf - SMTPD_WORKER_TLS_ROOM, fd);
    if (!r) return 0;
    if (r < 0) {
      if (errno == EPROTO) { strerr_warnw1x("a message from the pool that is not a connection"); continue; }
      return -1;
    }
    size_t len = (size_t)r;
    char **env = 0;
    if (tls_vars(buf[0], fd[1], buf, sizeof buf, &len) == 0) {
      env = smtpd_worker_env(base, buf + 1, len - 1);
      if (!env && buf[0] != 'I') write(fd[0], "421 4.3.0 out of memory\r\n", 25);
    }
    if (buf[0] == 'I' && fd[1] >= 0) { close(fd[1]); fd[1] = -1; }
    if (env) {
      environ = env;
      session(fd[0], submission);
      environ = base;
      free(env);
    }
    close(fd[0]);
    if (fd[1] >= 0) close(fd[1]);
    explicit_bzero(buf, sizeof buf);
    while (send(ctl, "D", 1, MSG_NOSIGNAL) < 0)
      if (errno != EINTR) return -1;
  }
}
