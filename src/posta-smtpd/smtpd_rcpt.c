/* smtpd_rcpt: the RCPT command, and the decision on one recipient.
 *
 * A recipient is taken when (qmail's rules) RELAYCLIENT is set, whose value
 * is then appended to it, or its domain is in rcpthosts/morercpthosts.cdb.
 * Then, when the address is delivered here (domains_route), its mailbox must
 * exist (550 5.1.1 when not) and not be full (452 4.2.2, a virtual
 * mailbox whose quota is used up); when it is not, a local part that some mailer
 * might read as a route (percent hack, bang path, '@' inside quotes) is
 * refused, so that such forms never reach the remote channel. postmaster at
 * a local domain, and a bare <postmaster> (made postmaster@me), are always
 * taken. Recipients are kept as envelope fields, "T" address NUL. After
 * control/maxbadrcpt recipients refused for good, the next RCPT ends the
 * session (smtpd_reply.c counts them and slows them down). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <skalibs/strerr.h>

#include "common/envelope.h"
#include "posta-smtpd/smtpd.h"
#include "posta-smtpd/smtpd_param.h"

#define ROUTED_MAX (ENVELOPE_ADDR_MAX + 512)

static int trick(char const *local, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (local[i] == '%' || local[i] == '!' || local[i] == '@') return 1;
  return 0;
}

static char const *local_verdict(smtpd *s, char *routed)
{
  char *at = strrchr(routed, '@');
  *at = 0;
  int r = s->exists(routed, at + 1);
  *at = '@';
  if (r < 0) return "451 4.3.0 temporary failure looking up the recipient";
  /* not queued in vain: posta-local would only defer it */
  if (r == 2) return "452 4.2.2 mailbox full";
  return r ? 0 : "550 5.1.1 no mailbox here by that name";
}

char const *smtpd_rcpt_verdict(smtpd *s, char const *address)
{
  char routed[ROUTED_MAX];
  char const *at = strrchr(address, '@');
  char const *domain = at + 1;
  size_t llen = (size_t)(at - address);
  if (llen == 10 && !strncasecmp(address, "postmaster", 10) && domains_is_local(&s->dom, domain)) return 0;
  int where = domains_route(&s->dom, address, routed, sizeof routed);
  if (where < 0) return "553 5.1.3 recipient address too long";
  if (where == DOMAINS_REMOTE && trick(address, llen))
    return "553 5.7.1 address form not relayed (percent hack, bang path or quoted @)";
  if (!s->relayclient && !s->auth.user[0]) {
    int h = smtpd_policy_rcpthost(&s->pol, domain);
    if (h < 0) return "451 4.3.0 unable to read control/morercpthosts.cdb";
    if (!h) return "553 5.7.1 relaying denied: domain not in rcpthosts";
  }
  return where == DOMAINS_LOCAL ? local_verdict(s, routed) : 0;
}

static int path_error(smtpd *s, int r)
{
  if (r == ADDR_E8BIT) smtpd_refuse(s, "553 5.6.7 non-ASCII address needs SMTPUTF8");
  else if (r == ADDR_ETOOLONG) smtpd_fail(s, "501 5.1.3 recipient address too long");
  else if (r) smtpd_fail(s, "501 5.1.3 syntax: RCPT TO:<address>");
  return r;
}

/* The address to queue: a bare postmaster gets @me, RELAYCLIENT is
 * appended. 0, or -1 with the refusal replied. */
static int full_address(smtpd *s, addr const *a, char *out, size_t outsize)
{
  char const *tail = s->relayclient ? s->relayclient : "";
  char const *dom = "";
  if (a->flags & ADDR_F_BARE) {
    if (strcasecmp(a->s, "postmaster")) { smtpd_refuse(s, "553 5.1.3 recipient address must have a domain"); return -1; }
    dom = s->dom.me;
  }
  size_t n = a->len + (*dom ? 1 + strlen(dom) : 0) + strlen(tail);
  if (n >= outsize || n > ENVELOPE_ADDR_MAX) { smtpd_refuse(s, "553 5.1.3 recipient address too long"); return -1; }
  memcpy(out, a->s, a->len);
  out[a->len] = 0;
  if (*dom) { strcat(out, "@"); strcat(out, dom); }
  strcat(out, tail);
  if (!envelope_addr_ok(out, n) || !strchr(out, '@')) { smtpd_refuse(s, "451 4.3.5 bad RELAYCLIENT setting"); return -1; }
  return 0;
}

static int keep(smtpd *s, char const *address)
{
  size_t n = strlen(address) + 2;
  if (n > s->rcpts_a - s->rcpts_len) {
    size_t a = s->rcpts_a ? s->rcpts_a * 2 : 4096;
    while (a - s->rcpts_len < n) a *= 2;
    char *p = realloc(s->rcpts, a);
    if (!p) return -1;
    s->rcpts = p;
    s->rcpts_a = a;
  }
  s->rcpts[s->rcpts_len] = 'T';
  memcpy(s->rcpts + s->rcpts_len + 1, address, n - 1);
  s->rcpts_len += n;
  s->nrcpt++;
  return 0;
}

static void decide(smtpd *s, char const *address)
{
  char ip[64], who[ENVELOPE_ADDR_MAX + 1];
  char const *no = smtpd_rcpt_verdict(s, address);
  if (!no && keep(s, address) < 0) no = "451 4.3.0 out of memory";
  if (!no) { smtpd_reply(s, "250 2.1.5 ok"); return; }
  esc_str(ip, sizeof ip, s->remoteip, ESC_WORD);
  esc_str(who, sizeof who, address, ESC_WORD);
  strerr_warni("refused recipient ", who, " from ", ip, ": ", no);
  smtpd_refuse(s, no);
}

void smtpd_rcpt_cmd(smtpd *s, char *arg, size_t len)
{
  addr a;
  smtpd_params p;
  char address[ENVELOPE_ADDR_MAX + 1];
  size_t i = 3, used;
  if (smtpd_reply_badrcpt_over(s)) return;
  if (!s->inmail) { smtpd_fail(s, "503 5.5.1 send MAIL first"); return; }
  if (len < 3 || strncasecmp(arg, "TO:", 3)) { smtpd_fail(s, "501 5.5.4 syntax: RCPT TO:<address>"); return; }
  while (i < len && arg[i] == ' ') i++;
  unsigned opts = ADDR_BAREOK | (s->mailopts & SMTPD_MAIL_UTF8 ? ADDR_UTF8 : 0);
  if (path_error(s, addr_parse_path(arg + i, len - i, opts, &a, &used))) return;
  i += used;
  int r = smtpd_param_parse(arg + i, len - i, PARAM_RCPT, &p);
  if (r) { smtpd_fail(s, r == PARAM_EUNKNOWN ? "555 5.5.4 unknown RCPT parameter" : "501 5.5.4 bad RCPT parameter"); return; }
  if (s->nrcpt >= s->cfg.maxrcpt) { smtpd_refuse(s, "452 4.5.3 too many recipients"); return; }
  if (full_address(s, &a, address, sizeof address) < 0) return;
  decide(s, address);
}
