/* smtpd_mail: the MAIL command.
 *
 * Checks, in order: HELO first, no transaction open, the path's syntax, the
 * parameters, an address in UTF-8 only with SMTPUTF8, a domain on every
 * sender but "<>", badmailfrom, the declared SIZE against databytes, and
 * the free space of the queue's file system against queueminfree (plus the
 * declared size). Only then is a transaction opened. */
#include <string.h>
#include <strings.h>
#include <sys/statvfs.h>

#include "posta-smtpd/smtpd.h"
#include "posta-smtpd/smtpd_param.h"

/* 1 when the queue's file system has room for need bytes more than it
 * must keep free, 0 when not, -1 when it cannot tell. */
static int room(smtpd const *s, uint64_t size)
{
  struct statvfs v;
  if (statvfs("queue", &v) < 0) return -1;
  uint64_t unit = v.f_frsize ? v.f_frsize : v.f_bsize;
  uint64_t avail = (uint64_t)v.f_bavail;
  uint64_t need = smtpd_config_need(&s->cfg, size);
  if (unit && avail > UINT64_MAX / unit) return 1;
  return avail * unit >= need;
}

static void path_error(smtpd *s, int r)
{
  if (r == ADDR_E8BIT) smtpd_fail(s, "553 5.6.7 sender address is not valid UTF-8");
  else if (r == ADDR_ENODOMAIN) smtpd_fail(s, "553 5.1.7 sender address must have a domain");
  else if (r == ADDR_ETOOLONG) smtpd_fail(s, "501 5.1.7 sender address too long");
  else smtpd_fail(s, "501 5.1.7 syntax: MAIL FROM:<address>");
}

static int param_error(smtpd *s, int r)
{
  if (r == PARAM_EUNKNOWN) smtpd_fail(s, "555 5.5.4 unknown MAIL parameter");
  else if (r) smtpd_fail(s, "501 5.5.4 bad MAIL parameter");
  return r;
}

/* The checks once the syntax is right: 1 go on, 0 refused (replied). */
static int acceptable(smtpd *s, addr const *a, smtpd_params const *p)
{
  if (a->flags & ADDR_F_8BIT && !(p->flags & PARAM_F_UTF8)) {
    smtpd_fail(s, "553 5.6.7 non-ASCII address needs SMTPUTF8");
    return 0;
  }
  if (a->len && smtpd_policy_badmailfrom(&s->pol, a->s)) {
    smtpd_fail(s, "553 5.7.1 sender refused by badmailfrom");
    return 0;
  }
  if (p->flags & PARAM_F_HUGE || (p->flags & PARAM_F_SIZE && s->cfg.databytes && p->size > s->cfg.databytes)) {
    smtpd_fail(s, "552 5.3.4 message size exceeds fixed maximum message size");
    return 0;
  }
  int r = room(s, p->flags & PARAM_F_SIZE ? p->size : 0);
  if (r < 0) smtpd_fail(s, "451 4.3.0 unable to check the queue's free space");
  else if (!r) smtpd_fail(s, "452 4.3.1 insufficient system storage");
  return r > 0;
}

void smtpd_mail_cmd(smtpd *s, char *arg, size_t len)
{
  addr a;
  smtpd_params p;
  size_t i = 5, used;
  if (!s->greeted) { smtpd_fail(s, "503 5.5.1 send HELO or EHLO first"); return; }
  if (s->inmail) { smtpd_fail(s, "503 5.5.1 nested MAIL command"); return; }
  if (!smtpd_auth_mail(s)) return;
  if (len < 5 || strncasecmp(arg, "FROM:", 5)) { smtpd_fail(s, "501 5.5.4 syntax: MAIL FROM:<address>"); return; }
  while (i < len && arg[i] == ' ') i++;
  int r = addr_parse_path(arg + i, len - i, ADDR_NULLOK | ADDR_UTF8, &a, &used);
  if (r) { path_error(s, r); return; }
  i += used;
  if (param_error(s, smtpd_param_parse(arg + i, len - i, PARAM_MAIL, &p))) return;
  if (!smtpd_auth_sender(s, a.s) || !acceptable(s, &a, &p)) return;
  memcpy(s->sender, a.s, a.len + 1);
  s->sender_len = a.len;
  s->mailopts = (p.flags & PARAM_F_UTF8 ? SMTPD_MAIL_UTF8 : 0) | (p.flags & PARAM_F_8BIT ? SMTPD_MAIL_8BIT : 0);
  s->inmail = 1;
  smtpd_reply(s, "250 2.1.0 ok");
}
