/* smtpd_session: set up a session and run its command loop.
 *
 * The loop reads command lines (smtpd_line) and hands each to the command
 * table. Before it waits for input it writes out the replies queued so
 * far. A line too long is answered at once and skipped to its CRLF; a bare
 * CR or LF, a timeout or the client gone ends the session. Returns when the
 * session is over; never exits. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <skalibs/strerr.h>

#include "common/fdwait.h"
#include "posta-smtpd/smtpd.h"

#define SMTPD_LINGER_MS 2000
#define SMTPD_LINGER_MAX (4 << 20)
#define LINE_EOF (-1)
#define LINE_ERROR (-2)

static char const *env_or(char const *name, char const *dflt)
{
  char const *v = getenv(name);
  return v && *v ? v : dflt;
}

int smtpd_session_init(smtpd *s, smtpd_exists_func *exists, int in, int out)
{
  memset(s, 0, sizeof *s);
  s->dom = (domains)DOMAINS_ZERO;
  if (domains_load(&s->dom) < 0) return -1;
  if (smtpd_config_load(&s->cfg, s->dom.me) < 0 || smtpd_policy_load(&s->pol) < 0 || smtpd_auth_load(&s->auth) < 0) {
    int e = errno;
    domains_free(&s->dom);
    errno = e;
    return -1;
  }
  s->exists = exists;
  s->injector = env_or("QMAILQUEUE", "bin/posta-queue");
  /* a QMAILQUEUE filter is run for every message, as qmail runs it */
  s->injectd = !getenv("QMAILQUEUE");
  s->remoteip = env_or("TCPREMOTEIP", 0);
  s->remotehost = env_or("TCPREMOTEHOST", 0);
  s->localip = env_or("TCPLOCALIP", 0);
  s->relayclient = getenv("RELAYCLIENT");
  smtpd_tls_init(&s->tls);
  smtpd_io_init(&s->in, in, (unsigned)s->cfg.timeout);
  smtpd_io_init(&s->out, out, (unsigned)s->cfg.timeout);
  smtpd_line_reset(&s->line);
  return 0;
}

void smtpd_session_free(smtpd *s)
{
  smtpd_session_reset(s);
  free(s->rcpts);
  s->rcpts = 0;
  s->rcpts_a = 0;
  smtpd_policy_free(&s->pol);
  domains_free(&s->dom);
}

void smtpd_session_reset(smtpd *s)
{
  s->inmail = 0;
  s->mailopts = 0;
  s->sender[0] = 0;
  s->sender_len = 0;
  s->rcpts_len = 0;
  s->nrcpt = 0;
}

void smtpd_session_closing(smtpd *s, int bare, char const *in)
{
  char ip[64];
  esc_str(ip, sizeof ip, s->remoteip, ESC_WORD);
  if (bare) {
    strerr_warnw("closing session from ", ip, ": bare CR or LF in ", in);
    smtpd_reply(s, "421 4.5.2 ", s->cfg.greeting, " bare CR or LF received (RFC 5321 2.3.8), closing connection");
    s->linger = 1;
  } else {
    strerr_warnw("closing session from ", ip, ": timeout in ", in);
    smtpd_reply(s, "421 4.4.2 ", s->cfg.greeting, " timeout, closing connection");
  }
}

void smtpd_session_lost(smtpd *s, int why)
{
  if (why == LINE_BARE || (why == LINE_ERROR && errno == ETIMEDOUT)) smtpd_session_closing(s, why == LINE_BARE, "a command");
  s->quit = 1;
}

/* Reads more input, but not past the deadline: a client that sends a
 * byte now and then never waits long enough for one read to time out. */
static ssize_t fill_by(sio *in, struct timespec const *deadline)
{
  int saved = in->timeout_ms;
  if (saved < 0) return smtpd_io_fill(in);
  long long ms = fdwait_left(deadline);
  if (ms <= 0) { errno = ETIMEDOUT; return -1; }
  if (ms < saved) in->timeout_ms = (int)ms;
  ssize_t r = smtpd_io_fill(in);
  in->timeout_ms = saved;
  return r;
}

/* The next event of smtpd_line: LINE_DONE, LINE_TOOLONG, LINE_BARE, or
 * LINE_EOF, LINE_ERROR (errno). A whole command line must arrive within
 * timeoutsmtpd of the first wait for it (RFC 5321 4.5.3.2.7 bounds the
 * wait for a command, not for each of its octets). */
int smtpd_session_next_line(smtpd *s)
{
  struct timespec deadline;
  int started = 0;
  for (;;) {
    if (sio_avail(&s->in)) {
      size_t used;
      int r = smtpd_line_feed(&s->line, s->in.buf + s->in.pos, sio_avail(&s->in), &used);
      s->in.pos += used;
      if (r != LINE_MORE) return r;
      continue;
    }
    if (smtpd_io_flush(&s->out) < 0) return LINE_ERROR;
    if (!started) {
      fdwait_deadline(&deadline, s->in.timeout_ms < 0 ? 0 : s->in.timeout_ms);
      started = 1;
    }
    ssize_t r = fill_by(&s->in, &deadline);
    if (r <= 0) return r ? LINE_ERROR : LINE_EOF;
  }
}

static void one_line(smtpd *s)
{
  int r = smtpd_session_next_line(s);
  if (r == LINE_TOOLONG) smtpd_fail(s, "500 5.5.2 command line too long (RFC 5321 4.5.3.1.4: 512 octets)");
  else if (r != LINE_DONE) smtpd_session_lost(s, r);
  else if (s->line.toolong) return;
  else if (s->line.nul) smtpd_fail(s, "501 5.5.2 NUL octet in command");
  else smtpd_cmd_dispatch(s, s->line.s, s->line.len);
}

/* Closing a socket that still has unread input makes the kernel send a
 * reset, which can destroy the 421 before the client reads it: say we are
 * done writing, then throw away what the client still sends, for a while. */
static void linger(smtpd *s)
{
  if (shutdown(s->out.fd, SHUT_WR) < 0) return;
  smtpd_io_drain(&s->in, SMTPD_LINGER_MS, SMTPD_LINGER_MAX);
}

void smtpd_session_run(smtpd *s)
{
  smtpd_reply(s, "220 ", s->cfg.greeting, " ESMTP");
  while (!s->quit) one_line(s);
  if (smtpd_io_flush(&s->out) == 0 && s->linger) linger(s);
}
