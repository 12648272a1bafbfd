/* sm_opts: sendmail's flags, by table. See sm_opts.h. */
#include "sendmail/sm_opts.h"

#include <string.h>

#include <skalibs/sgetopt.h>

/* What the flags set: the injection's options and the mode. */
typedef struct sm_state_s sm_state;
struct sm_state_s {
  inject_opts *o;
  enum sm_mode mode;
};

typedef int sm_handler(sm_state *, char const *arg, char const **why);

static int h_sender(sm_state *st, char const *arg, char const **why)
{
  st->o->sender = arg;
  return 0;
}

static int h_fullname(sm_state *st, char const *arg, char const **why)
{
  st->o->fullname = arg;
  return 0;
}

static int h_t(sm_state *st, char const *arg, char const **why)
{
  st->o->rcpts = INJECT_RCPT_BOTH;
  return 0;
}

static int h_i(sm_state *st, char const *arg, char const **why)
{
  st->o->dot = 0;
  return 0;
}

/* -oi is -i; every other -oX (-oem, -odb, -odi, -oQ/var/spool...) is a
 * setting of sendmail's own that means nothing here. */
static int h_o(sm_state *st, char const *arg, char const **why)
{
  if (!strcmp(arg, "i")) st->o->dot = 0;
  return 0;
}

/* -bm deliver mail, -bp list the queue, -bi rebuild the aliases, -bs
 * SMTP on stdin and stdout; any other mode (-bd daemon, -bt test, -bv
 * verify...) is not ours. */
static int h_b(sm_state *st, char const *arg, char const **why)
{
  if (arg[0] && !arg[1] && strchr("mpis", arg[0])) {
    st->mode = (enum sm_mode)arg[0];
    return 0;
  }
  *why = "unknown mode: -b takes m (send), p (list the queue), i (aliases) or s (SMTP)";
  return -1;
}

static int h_ignore(sm_state *st, char const *arg, char const **why)
{
  return 0;
}

static struct {
  char letter;
  sm_handler *handler;
} const table[] = {
  { 'f', h_sender }, { 'r', h_sender }, { 'F', h_fullname }, { 't', h_t }, { 'i', h_i },
  { 'o', h_o }, { 'O', h_ignore }, { 'b', h_b }, { 'A', h_ignore },
  /* taken and ignored: -v verbose, -m me too, -n no aliasing, -G gateway,
   * -U initial submission, -B body type, -N DSN, -R return, -V envelope id,
   * -h hop count, -L log tag, -C config file, -X log file (never opened),
   * -p protocol, -d debug, -A submit or main configuration */
  { 'v', h_ignore }, { 'm', h_ignore }, { 'n', h_ignore }, { 'G', h_ignore }, { 'U', h_ignore },
  { 'B', h_ignore }, { 'N', h_ignore }, { 'R', h_ignore }, { 'V', h_ignore }, { 'h', h_ignore },
  { 'L', h_ignore }, { 'C', h_ignore }, { 'X', h_ignore }, { 'p', h_ignore }, { 'd', h_ignore },
};

/* getopt's string: letters with a value are followed by ':' */
#define SM_OPTSTRING "f:r:F:tio:O:b:A:vmnGUB:N:R:V:h:L:C:X:p:d:"

/* The mode the name says: mailq lists the queue, newaliases the aliases. */
static enum sm_mode by_name(char const *argv0)
{
  char const *base = argv0 ? strrchr(argv0, '/') : 0;
  base = base ? base + 1 : argv0 ? argv0 : "";
  if (!strcmp(base, "mailq")) return SM_LIST;
  if (!strcmp(base, "newaliases")) return SM_ALIASES;
  return SM_SEND;
}

/* -q, -q30m, -qR...: a word of its own, its value attached or none (an
 * interval, or which messages: posta-send runs the queue, so every form
 * flushes it all). 1 when argv[l->ind] is one, consumed. */
static int flush_word(int argc, char const *const *argv, subgetopt *l)
{
  int at = l->ind;
  /* subgetopt leaves pos at the end of a word it has read whole */
  if (l->pos) {
    if (at >= argc || argv[at][l->pos]) return 0;
    at++;
  }
  if (at >= argc || strncmp(argv[at], "-q", 2)) return 0;
  l->ind = at + 1;
  l->pos = 0;
  return 1;
}

int sm_opts(int argc, char const *const *argv, inject_opts *o, enum sm_mode *mode, char const **why)
{
  subgetopt l = SUBGETOPT_ZERO;
  sm_state st = { o, by_name(argc ? argv[0] : 0) };
  o->sender = 0;
  o->fullname = 0;
  o->dot = 1;
  o->rcpts = INJECT_RCPT_ARGS;
  o->print = 0;
  l.err = 0;
  for (;;) {
    if (flush_word(argc, argv, &l)) { st.mode = SM_FLUSH; continue; }
    int c = subgetopt_r(argc, argv, SM_OPTSTRING, &l);
    if (c == -1) break;
    if (c == '?' || c == ':') {
      *why = "unknown flag or flag without its value";
      return -1;
    }
    size_t i = 0;
    while (table[i].letter != c) i++;   /* SM_OPTSTRING holds only table letters */
    if (table[i].handler(&st, l.arg, why) < 0) return -1;
  }
  *mode = st.mode;
  if (st.mode != SM_SEND && l.ind != argc) {
    *why = "-bp, -bi, -bs, -q, mailq and newaliases take no argument";
    return -1;
  }
  return l.ind;
}
