/* smtpc: an SMTP client connection. See smtpc.h. */
#include "posta-remote/smtpc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void smtpc_init(smtpc *c, int fd, unsigned int timeout, char const *mta)
{
  netio_init(&c->io, fd, timeout);
  c->features = 0;
  c->sizemax = 0;
  c->sizeline[0] = 0;
  snprintf(c->mta, sizeof c->mta, "%s", mta);
}

static int read_reply(smtpc *c, smtpreply_line_func *online, void *ctx)
{
  smtpreply_start(&c->reply, online, ctx);
  for (;;) {
    int r = netio_fill(&c->io);
    if (r < 0) return -1;
    if (!r) { errno = EPIPE; return -1; }
    size_t used;
    r = smtpreply_feed(&c->reply, c->io.in + c->io.inpos, c->io.inlen - c->io.inpos, &used);
    c->io.inpos += used;
    if (r < 0) return -1;
    if (r) return 0;
  }
}

int smtpc_read(smtpc *c)
{
  return read_reply(c, 0, 0);
}

int smtpc_command(smtpc *c, char const *line)
{
  if (netio_puts(&c->io, line) < 0 || netio_flush(&c->io) < 0) return -1;
  return smtpc_read(c);
}

static int keyword(char const *s, size_t n, char const *kw)
{
  size_t k = strlen(kw);
  return n >= k && !strncasecmp(s, kw, k) && (n == k || s[k] == ' ');
}

/* EHLO's lines after the first are keywords; only these three matter. */
static void ehlo_line(void *ctx, char const *s, size_t n)
{
  smtpc *c = ctx;
  if (c->reply.lines < 2) return;
  if (keyword(s, n, "PIPELINING")) c->features |= SMTPC_PIPELINING;
  else if (keyword(s, n, "STARTTLS")) c->features |= SMTPC_STARTTLS;
  else if (keyword(s, n, "8BITMIME")) c->features |= SMTPC_8BITMIME;
  else if (keyword(s, n, "SIZE")) {
    uint64_t v = 0;
    size_t i = 4;
    while (i < n && s[i] == ' ') i++;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
      v = v > UINT64_MAX / 10 - 10 ? UINT64_MAX : v * 10 + (uint64_t)(s[i] - '0');
    c->features |= SMTPC_SIZE;
    c->sizemax = v;
    size_t k = n < sizeof c->sizeline - 1 ? n : sizeof c->sizeline - 1;
    for (size_t j = 0; j < k; j++) c->sizeline[j] = s[j] >= 32 && s[j] < 127 ? s[j] : ' ';
    c->sizeline[k] = 0;
  }
}

int smtpc_hello(smtpc *c, char const *helo)
{
  if (smtpc_read(c) < 0) return -1;
  if (c->reply.code / 100 != 2) return 1;
  return smtpc_ehlo(c, helo);
}

int smtpc_ehlo(smtpc *c, char const *helo)
{
  char line[300];
  c->features = 0;
  c->sizemax = 0;
  c->sizeline[0] = 0;
  snprintf(line, sizeof line, "EHLO %s\r\n", helo);
  if (netio_puts(&c->io, line) < 0 || netio_flush(&c->io) < 0) return -1;
  if (read_reply(c, ehlo_line, c) < 0) return -1;
  if (c->reply.code / 100 == 2) return 0;
  if (c->reply.code / 100 != 5) return 1;
  /* EHLO refused as unknown: an old server, try HELO */
  c->features = 0;
  c->sizemax = 0;
  snprintf(line, sizeof line, "HELO %s\r\n", helo);
  if (smtpc_command(c, line) < 0) return -1;
  return c->reply.code / 100 == 2 ? 0 : 1;
}

void smtpc_quit(smtpc *c)
{
  c->io.timeout = c->io.timeout < SMTPC_QUIT_WAIT ? c->io.timeout : SMTPC_QUIT_WAIT;
  if (netio_puts(&c->io, "QUIT\r\n") == 0 && netio_flush(&c->io) == 0) smtpc_read(c);
  netio_close(&c->io);
}

void smtpc_drop(smtpc *c)
{
  netio_close(&c->io);
}
