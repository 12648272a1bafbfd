/* smtpd_cmd: the command table and the commands that need no transaction.
 *
 * A command line is a verb, then optionally one space and an argument
 * (RFC 5321 4.1.1). The verb is looked up without case in a table; an
 * unknown verb is 500, a known one this server does not do is 502. MAIL,
 * RCPT and DATA live in their own files. */
#include <string.h>
#include <strings.h>

#include "posta-smtpd/smtpd.h"

typedef void smtpd_handler(smtpd *, char *arg, size_t len);

typedef struct smtpd_cmd_s smtpd_cmd;
struct smtpd_cmd_s {
  char const *verb;
  smtpd_handler *run;
};

static void helo_name(smtpd *s, char *arg, size_t len)
{
  smtpd_reply_clean_helo(s->helo, sizeof s->helo, arg);
}

static void cmd_helo(smtpd *s, char *arg, size_t len)
{
  if (!len) { smtpd_fail(s, "501 5.5.4 syntax: HELO hostname"); return; }
  helo_name(s, arg, len);
  smtpd_session_reset(s);
  s->greeted = 1;
  smtpd_reply(s, "250 ", s->cfg.greeting);
}

static void cmd_ehlo(smtpd *s, char *arg, size_t len)
{
  char size[40] = "250-SIZE";
  if (!len) { smtpd_fail(s, "501 5.5.4 syntax: EHLO hostname"); return; }
  helo_name(s, arg, len);
  smtpd_session_reset(s);
  s->greeted = 2;
  if (s->cfg.databytes) {
    size_t n = strlen(size);
    size[n++] = ' ';
    uint64_t v = s->cfg.databytes, d = 1;
    while (v / d >= 10) d *= 10;
    for (; d; d /= 10) size[n++] = (char)('0' + (v / d) % 10);
    size[n] = 0;
  }
  smtpd_reply(s, "250-", s->cfg.greeting);
  smtpd_reply(s, "250-PIPELINING");
  smtpd_reply(s, "250-8BITMIME");
  smtpd_reply(s, size);
  smtpd_reply(s, "250-ENHANCEDSTATUSCODES");
  if (smtpd_tls_offer(&s->tls)) smtpd_reply(s, "250-STARTTLS");
  if (smtpd_auth_offer(s)) smtpd_reply(s, "250-AUTH PLAIN LOGIN");
  smtpd_reply(s, "250 SMTPUTF8");
}

static int no_arg(smtpd *s, char const *verb, size_t len)
{
  if (!len) return 1;
  smtpd_fail(s, "501 5.5.4 syntax: ", verb, " takes no argument");
  return 0;
}

static void cmd_rset(smtpd *s, char *arg, size_t len)
{
  if (!no_arg(s, "RSET", len)) return;
  smtpd_session_reset(s);
  smtpd_reply(s, "250 2.0.0 ok");
}

static void cmd_noop(smtpd *s, char *arg, size_t len)
{
  smtpd_reply(s, "250 2.0.0 ok");
}

static void cmd_quit(smtpd *s, char *arg, size_t len)
{
  if (!no_arg(s, "QUIT", len)) return;
  smtpd_reply(s, "221 2.0.0 ", s->cfg.greeting, " closing connection");
  s->quit = 1;
}

static void cmd_vrfy(smtpd *s, char *arg, size_t len)
{
  smtpd_reply(s, "252 2.5.0 cannot VRFY, but send some mail and delivery will be attempted");
}

static void cmd_help(smtpd *s, char *arg, size_t len)
{
  smtpd_reply(s, "214-2.0.0 posta-smtpd, commands: HELO EHLO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS AUTH");
  smtpd_reply(s, "214 2.0.0 see RFC 5321");
}

static void cmd_notimpl(smtpd *s, char *arg, size_t len)
{
  smtpd_fail(s, "502 5.5.1 command not implemented");
}

static smtpd_cmd const commands[] = {
  { "HELO", cmd_helo },
  { "EHLO", cmd_ehlo },
  { "MAIL", smtpd_mail_cmd },
  { "RCPT", smtpd_rcpt_cmd },
  { "DATA", smtpd_datacmd_run },
  { "RSET", cmd_rset },
  { "NOOP", cmd_noop },
  { "QUIT", cmd_quit },
  { "VRFY", cmd_vrfy },
  { "HELP", cmd_help },
  { "EXPN", cmd_notimpl },
  { "TURN", cmd_notimpl },
  { "ETRN", cmd_notimpl },
  { "BDAT", cmd_notimpl },
  { "AUTH", smtpd_auth_cmd },
  { "STARTTLS", smtpd_tls_cmd },
};

void smtpd_cmd_dispatch(smtpd *s, char *line, size_t len)
{
  size_t v = 0;
  while (v < len && line[v] != ' ') v++;
  char *arg = v < len ? line + v + 1 : line + len;
  size_t alen = v < len ? len - v - 1 : 0;
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
    if (strlen(commands[i].verb) != v || strncasecmp(commands[i].verb, line, v)) continue;
    commands[i].run(s, arg, alen);
    return;
  }
  smtpd_fail(s, "500 5.5.1 command unrecognized");
}
