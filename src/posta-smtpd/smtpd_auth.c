/* smtpd_auth: the AUTH command, its mechanisms, and the checks it adds
 * to MAIL. See smtpd_auth.h.
 *
 * Each mechanism fills a login and a password from the client's base64
 * lines; the lines and every decoded copy are wiped once used. Replies:
 * 235 2.7.0 success; 535 5.7.8 wrong credentials; 454 4.7.0 checkpassword
 * failed, or this client address is in its penalty (smtpd_authfail.h:
 * checked when AUTH starts, and charged before each password check, so
 * that parallel sessions cannot run more checks than the limit); 421 4.7.0
 * the failure that reaches either limit; 538 5.7.11 AUTH before TLS; 501 a
 * cancelled or malformed exchange; 503 AUTH twice or inside a transaction;
 * 504 an unknown mechanism. */
#include "posta-smtpd/smtpd_auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <skalibs/strerr.h>

#include "common/control.h"
#include "posta-smtpd/smtpd.h"
#include "posta-smtpd/smtpd_b64.h"

typedef struct cred_s cred;
struct cred_s {
  char user[SMTPD_AUTH_USER_MAX];
  size_t ulen;
  char pass[SMTPD_AUTH_PASS_MAX];
  size_t plen;
};

typedef int mech_func(smtpd *, char const *ir, size_t irlen, cred *);

int smtpd_auth_load(smtpd_auth *a)
{
  unsigned long v;
  memset(a, 0, sizeof *a);
  if (control_ulong("control/authinsecure", &v, 0) < 0) return -1;
  a->insecure = v != 0;
  if (control_line("control/checkpassword", a->prog, sizeof a->prog, "bin/posta-checkpw") < 0) return -1;
  if (!a->prog[0]) strcpy(a->prog, "bin/posta-checkpw");
  return smtpd_authfail_load(&a->fail);
}

/* Decodes one base64 answer into out: its length, or -1 (replied). */
static long decode(smtpd *s, char const *in, size_t n, char *out, size_t outsize)
{
  if (n == 1 && in[0] == '*') { smtpd_fail(s, "501 5.0.0 authentication cancelled"); return -1; }
  if (n == 1 && in[0] == '=') return 0;
  long r = smtpd_b64_decode(in, n, out, outsize);
  if (r < 0) smtpd_fail(s, "501 5.5.2 cannot decode the answer (base64)");
  return r;
}

/* Asks with "334 prompt" and decodes the answer: its length, or -1. */
static long ask(smtpd *s, char const *prompt, char *out, size_t outsize)
{
  smtpd_reply(s, "334 ", prompt);
  int r = smtpd_session_next_line(s);
  if (r == LINE_TOOLONG) { smtpd_fail(s, "500 5.5.6 authentication exchange line is too long"); return -1; }
  if (r != LINE_DONE) { smtpd_session_lost(s, r); return -1; }
  long n = decode(s, s->line.s, s->line.len, out, outsize);
  explicit_bzero(s->line.s, sizeof s->line.s);
  return n;
}

/* RFC 4616: [authzid] NUL authcid NUL passwd; authzid empty or authcid. */
static int mech_plain(smtpd *s, char const *ir, size_t irlen, cred *c)
{
  char buf[SMTPD_AUTH_USER_MAX * 2 + SMTPD_AUTH_PASS_MAX];
  long n = ir ? decode(s, ir, irlen, buf, sizeof buf) : ask(s, "", buf, sizeof buf);
  if (n < 0) return -1;
  char *z = memchr(buf, 0, (size_t)n);
  char *u = z ? z + 1 : 0;
  char *p = u ? memchr(u, 0, (size_t)(buf + n - u)) : 0;
  int ok = p && p - u > 0 && (size_t)(p - u) < sizeof c->user && (size_t)(buf + n - p - 1) < sizeof c->pass
           && (z == buf || ((size_t)(z - buf) == (size_t)(p - u) && !memcmp(buf, u, (size_t)(p - u))));
  if (ok) {
    c->ulen = (size_t)(p - u);
    memcpy(c->user, u, c->ulen);
    c->plen = (size_t)(buf + n - p - 1);
    memcpy(c->pass, p + 1, c->plen);
  }
  explicit_bzero(buf, sizeof buf);
  if (!ok) smtpd_fail(s, "501 5.5.2 malformed PLAIN answer");
  return ok ? 0 : -1;
}

/* The LOGIN mechanism: "Username:", "Password:", each base64. */
static int mech_login(smtpd *s, char const *ir, size_t irlen, cred *c)
{
  long n = ir ? decode(s, ir, irlen, c->user, sizeof c->user - 1) : ask(s, "VXNlcm5hbWU6", c->user, sizeof c->user - 1);
  if (n < 0) return -1;
  c->ulen = (size_t)n;
  n = ask(s, "UGFzc3dvcmQ6", c->pass, sizeof c->pass - 1);
  if (n < 0) return -1;
  c->plen = (size_t)n;
  if (!c->ulen) { smtpd_fail(s, "501 5.5.2 empty login"); return -1; }
  return 0;
}

static struct { char const *name; mech_func *run; } const mechs[] = {
  { "PLAIN", mech_plain },
  { "LOGIN", mech_login },
};

/* The shared count of this client address's failures: op's result, or
 * -1 when the table could not be used (logged). */
static int shared(smtpd *s, enum authfail_op op, time_t *until)
{
  unsigned char key[AUTHFAIL_KEY];
  smtpd_authfail_key(s->remoteip, key);
  int r = smtpd_authfail_run(&s->auth.fail, key, op, time(0), until);
  if (r < 0) strerr_warnwu2sys("use ", AUTHFAIL_FILE);
  return r;
}

/* Before AUTH's exchange (CHECK) and before a password check (CHARGE):
 * 0 go on, 1 refused with 454 and no password checked. */
static int refused(smtpd *s, enum authfail_op op)
{
  char ip[64], left[24];
  time_t until;
  int r = shared(s, op, &until);
  if (!r) return 0;
  if (r < 0) { smtpd_reply(s, "454 4.7.0 temporary authentication failure"); return 1; }
  esc_str(ip, sizeof ip, s->remoteip, ESC_WORD);
  snprintf(left, sizeof left, "%lld", until ? (long long)(until - time(0)) : 0LL);
  strerr_warnw("refused AUTH from ", ip, ": too many authentication failures from this address (",
               until ? left : "checks running", until ? " seconds left)" : ")");
  smtpd_fail(s, "454 4.7.0 too many authentication failures from your address, try again later");
  return 1;
}

static void failed(smtpd *s, cred const *c, int penalized)
{
  char ip[64], who[SMTPD_AUTH_USER_MAX], n[8];
  struct timespec d = { (time_t)(SMTPD_AUTH_DELAY * ++s->auth.fails), 0 };
  esc_str(ip, sizeof ip, s->remoteip, ESC_WORD);
  esc_str(who, sizeof who, c->user, ESC_WORD);
  n[0] = (char)('0' + (s->auth.fails > 9 ? 9 : s->auth.fails));
  n[1] = 0;
  strerr_warnw("authentication failed for ", who, " from ", ip, " (failure ", n, ")");
  while (nanosleep(&d, &d) < 0) ;
  if (s->auth.fails < SMTPD_AUTH_FAILS_MAX && !penalized) {
    smtpd_fail(s, "535 5.7.8 authentication credentials invalid");
    return;
  }
  strerr_warnw("closing session from ", ip, ": too many authentication failures",
               penalized ? " from this address: AUTH refused for a while" : "");
  smtpd_reply(s, "421 4.7.0 ", s->cfg.greeting, " too many authentication failures, closing connection");
  s->quit = s->linger = 1;
}

static void verify(smtpd *s, cred *c)
{
  char ip[64], who[SMTPD_AUTH_USER_MAX];
  time_t until;
  c->user[c->ulen] = 0;
  if (refused(s, AUTHFAIL_CHARGE)) { explicit_bzero(c->pass, sizeof c->pass); return; }
  int r = memchr(c->user, 0, c->ulen) ? 1 : smtpd_authpw_check(s->auth.prog, c->user, c->ulen, c->pass, c->plen, (unsigned)s->cfg.timeout);
  explicit_bzero(c->pass, sizeof c->pass);
  if (r == 1) { failed(s, c, shared(s, AUTHFAIL_FAIL, &until) > 0); return; }
  shared(s, AUTHFAIL_REFUND, &until);
  if (r) { smtpd_reply(s, "454 4.7.0 temporary authentication failure"); return; }
  memcpy(s->auth.user, c->user, c->ulen + 1);
  esc_str(ip, sizeof ip, s->remoteip, ESC_WORD);
  esc_str(who, sizeof who, c->user, ESC_WORD);
  strerr_warni("authenticated ", who, " from ", ip);
  smtpd_reply(s, "235 2.7.0 authentication successful");
}

static int allowed(smtpd *s)
{
  if (!s->greeted) smtpd_fail(s, "503 5.5.1 send EHLO first");
  else if (s->auth.user[0]) smtpd_fail(s, "503 5.5.1 already authenticated");
  else if (s->inmail) smtpd_fail(s, "503 5.5.1 AUTH not allowed in a mail transaction");
  else if (!s->tls.on && !s->auth.insecure) smtpd_fail(s, "538 5.7.11 encryption required: STARTTLS first");
  else return 1;
  return 0;
}

void smtpd_auth_cmd(smtpd *s, char *arg, size_t len)
{
  cred c;
  size_t m = 0;
  if (!allowed(s) || refused(s, AUTHFAIL_CHECK)) { explicit_bzero(arg, len); return; }
  while (m < len && arg[m] != ' ') m++;
  char const *ir = m < len ? arg + m + 1 : 0;
  size_t irlen = m < len ? len - m - 1 : 0;
  for (size_t i = 0; i < sizeof mechs / sizeof *mechs; i++) {
    if (strlen(mechs[i].name) != m || strncasecmp(mechs[i].name, arg, m)) continue;
    memset(&c, 0, sizeof c);
    int r = mechs[i].run(s, ir, irlen, &c);
    explicit_bzero(arg, len);
    if (!r) verify(s, &c);
    explicit_bzero(&c, sizeof c);
    return;
  }
  explicit_bzero(arg, len);
  smtpd_fail(s, "504 5.5.4 unrecognized authentication type");
}

int smtpd_auth_offer(smtpd const *s)
{
  return !s->auth.user[0] && (s->tls.on || s->auth.insecure);
}

int smtpd_auth_mail(smtpd *s)
{
  if (!s->auth.submission || s->relayclient || s->auth.user[0]) return 1;
  if (!s->tls.on && !s->auth.insecure) smtpd_fail(s, "530 5.7.0 must issue a STARTTLS command first");
  else smtpd_fail(s, "530 5.7.0 authentication required");
  return 0;
}

int smtpd_auth_sender(smtpd *s, char const *sender)
{
  char ip[64], who[SMTPD_AUTH_USER_MAX], from[ADDR_MAX + 1];
  if (!s->auth.user[0]) return 1;
  int r = smtpd_authsend_ok(s->auth.user, sender, s->dom.me);
  if (r > 0) return 1;
  if (r < 0) { smtpd_fail(s, "451 4.3.0 unable to read control/authsenders"); return 0; }
  esc_str(ip, sizeof ip, s->remoteip, ESC_WORD);
  esc_str(who, sizeof who, s->auth.user, ESC_WORD);
  esc_str(from, sizeof from, sender, ESC_WORD);
  strerr_warnw("refused sender <", from, "> for ", who, " from ", ip, ": not theirs");
  smtpd_fail(s, "553 5.7.1 sender address not owned by the authenticated user");
  return 0;
}
