/* smtpc: one SMTP client connection: replies, commands, the greeting and
 * EHLO (HELO when EHLO is refused), QUIT.
 *
 * Every read waits at most the connection's timeout (control/timeoutremote).
 * A reply is parsed by smtpreply: bounded whatever the server sends. A
 * connection closed or timed out in mid-reply, and a malformed reply, are
 * errors (-1 with errno EPIPE, ETIMEDOUT or EPROTO). Never exits, never
 * prints. */
#ifndef POSTA_SMTPC_H
#define POSTA_SMTPC_H

#include <stdint.h>

#include "posta-remote/netio.h"
#include "posta-remote/resultline.h"
#include "posta-remote/smtpreply.h"

#define SMTPC_PIPELINING 1u
#define SMTPC_SIZE 2u
#define SMTPC_8BITMIME 4u
#define SMTPC_STARTTLS 8u

#define SMTPC_QUIT_WAIT 10

typedef struct smtpc_s smtpc;
struct smtpc_s {
  netio io;
  smtpreply reply;
  unsigned int features;     /* from EHLO */
  uint64_t sizemax;          /* SIZE's value, 0 when none */
  char sizeline[64];         /* the SIZE keyword as the server sent it */
  char mta[RESULT_MTA_MAX];  /* name[address] of the server */
};

void smtpc_init(smtpc *, int fd, unsigned int timeout, char const *mta);
/* Reads one reply into c->reply. 0 or -1 (errno). */
int smtpc_read(smtpc *);
/* Sends line (CRLF included) and reads the reply. 0 or -1. */
int smtpc_command(smtpc *, char const *line);
/* Reads the greeting and says EHLO (then HELO). 0 when the server is ready
 * for a transaction (c->features set), 1 when it refused (c->reply holds
 * its words), -1 on a connection or protocol error. */
int smtpc_hello(smtpc *, char const *helo);
/* Says EHLO (then HELO when EHLO is refused as unknown), as smtpc_hello
 * does after the greeting; again after STARTTLS (RFC 3207 4.2). */
int smtpc_ehlo(smtpc *, char const *helo);
/* Sends QUIT, waits a little for the reply, closes. */
void smtpc_quit(smtpc *);
/* Closes at once (after a protocol error, or with a transaction open). */
void smtpc_drop(smtpc *);

#endif
