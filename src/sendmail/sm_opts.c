/* sm_opts: sendmail's flags, by table. See sm_opts.h. */
#include "sendmail/sm_opts.h"

#include <string.h>

#include <skalibs/sgetopt.h>

typedef int sm_handler(inject_opts *, char const *arg, char const **why);

static int h_sender(inject_opts *o, char const *arg, char const **why)
{
  o->sender = arg;
  return 0;
}

static int h_fullname(inject_opts *o, char const *arg, char const **why)
{
  o->fullname = arg;
  return 0;
}

static int h_t(inject_opts *o, char const *arg, char const **why)
{
  o->rcpts = INJECT_RCPT_BOTH;
  return 0;
}

static int h_i(inject_opts *o, char const *arg, char const **why)
{
  o->dot = 0;
  return 0;
}

/* -oi is -i; every other -oX (-oem, -odb, -odi, -oQ/var/spool...) is a
 * setting of sendmail's own that means nothing here. */
static int h_o(inject_opts *o, char const *arg, char const **why)
{
  if (!strcmp(arg, "i")) o->dot = 0;
  return 0;
}

/* Only -bm, deliver mail, which is what we do anyway. */
static int h_b(inject_opts *o, char const *arg, char const **why)
{
  if (!strcmp(arg, "m")) return 0;
  *why = "only -bm is supported: use posta-qread for the queue and posta-smtpd for SMTP";
  return -1;
}

static int h_q(inject_opts *o, char const *arg, char const **why)
{
  *why = "-q is not supported: posta-send runs the queue";
  return -1;
}

static int h_ignore(inject_opts *o, char const *arg, char const **why)
{
  return 0;
}

static struct {
  char letter;
  sm_handler *handler;
} const table[] = {
  { 'f', h_sender }, { 'r', h_sender }, { 'F', h_fullname }, { 't', h_t }, { 'i', h_i },
  { 'o', h_o }, { 'O', h_ignore }, { 'b', h_b }, { 'q', h_q },
  /* taken and ignored: -v verbose, -m me too, -n no aliasing, -G gateway,
   * -U initial submission, -B body type, -N DSN, -R return, -V envelope id,
   * -h hop count, -L log tag, -C config file, -X log file (never opened),
   * -p protocol, -d debug */
  { 'v', h_ignore }, { 'm', h_ignore }, { 'n', h_ignore }, { 'G', h_ignore }, { 'U', h_ignore },
  { 'B', h_ignore }, { 'N', h_ignore }, { 'R', h_ignore }, { 'V', h_ignore }, { 'h', h_ignore },
  { 'L', h_ignore }, { 'C', h_ignore }, { 'X', h_ignore }, { 'p', h_ignore }, { 'd', h_ignore },
};

/* getopt's string: letters with a value are followed by ':' */
#define SM_OPTSTRING "f:r:F:tio:O:b:q:vmnGUB:N:R:V:h:L:C:X:p:d:"

int sm_opts(int argc, char const *const *argv, inject_opts *o, char const **why)
{
  subgetopt l = SUBGETOPT_ZERO;
  o->sender = 0;
  o->fullname = 0;
  o->dot = 1;
  o->rcpts = INJECT_RCPT_ARGS;
  o->print = 0;
  l.err = 0;
  for (;;) {
    int c = subgetopt_r(argc, argv, SM_OPTSTRING, &l);
    if (c == -1) break;
    if (c == '?' || c == ':') {
      *why = "unknown flag or flag without its value";
      return -1;
    }
    size_t i = 0;
    while (table[i].letter != c) i++;   /* SM_OPTSTRING holds only table letters */
    if (table[i].handler(o, l.arg, why) < 0) return -1;
  }
  return l.ind;
}
