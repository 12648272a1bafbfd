/* smtpd_queue: one run of the injector: posta-injectd over its socket when
 * it listens and $QMAILQUEUE is not set (smtpd_injd.c), else posta-queue
 * (or $QMAILQUEUE) run for the message.
 *
 * The injector gets the message on its fd 0 and, after the message's end
 * of file, the envelope on its fd 1 (qmail-queue's protocol, envelope.h).
 * The envelope is written only by smtpd_queue_commit, whole: an injector
 * whose run is abandoned (smtpd_queue_abort, a write error, or posta-smtpd
 * itself gone) sees a missing envelope and must queue nothing. Writes wait
 * at most the session's timeout. Never exits. */
#ifndef POSTA_SMTPD_QUEUE_H
#define POSTA_SMTPD_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "posta-smtpd/smtpd_io.h"

#define SMTPD_INJ_EXEC 120     /* the child's exit code when exec fails */
#define SMTPD_INJ_LOST 121     /* posta-injectd closed without a verdict */
#define SMTPD_INJ_STAGE 32768  /* message bytes per chunk to posta-injectd */
#define SMTPD_INJ_IDLEN 20     /* digits of a queue id, at most */

typedef struct smtpd_inj_s smtpd_inj;
struct smtpd_inj_s {
  pid_t pid;          /* the injector's (posta-injectd's, from SO_PEERCRED) */
  uint64_t id;        /* the queue id posta-injectd committed; 0: unknown
                       * (posta-queue run as a child does not say it) */
  int sock;           /* 1: posta-injectd's socket, 0: a child */
  int envfd;          /* -1 once closed */
  int broken;         /* a write failed: the message is not whole */
  size_t stagelen;    /* socket: message bytes not yet sent as a chunk */
  sio msg;            /* fd -1 once closed */
  char stage[SMTPD_INJ_STAGE];
};

/* With usesocket, connects to posta-injectd (injectd/socket under the
 * current folder, the instance's home) and is done; when that fails (the
 * daemon is down, refuses, or is full), or without usesocket, forks and
 * executes prog: 0, or -1 with errno. */
int smtpd_queue_start(smtpd_inj *, char const *prog, unsigned timeout, int usesocket);
/* smtpd_injd.c: the same steps over posta-injectd's socket (the protocol
 * of doc/protocols.md): connect (0 or -1), part of the message, the end
 * and the envelope (0 or -1), the one-byte verdict (the code, or
 * SMTPD_INJ_LOST); after a 0, the message's id in id. */
int smtpd_injd_connect(smtpd_inj *, unsigned timeout);
void smtpd_injd_put(smtpd_inj *, char const *, size_t);
int smtpd_injd_commit(smtpd_inj *, char const *sender, size_t slen, char const *rcpts, size_t rlen);
int smtpd_injd_wait(smtpd_inj *);
/* Part of the message. A failure marks the run broken. */
void smtpd_queue_put(smtpd_inj *, char const *, size_t);
/* Closes both pipes without an envelope. */
void smtpd_queue_abort(smtpd_inj *);
/* Ends the message, writes "F" sender NUL, the recipients (already "T"
 * fields), NUL, and closes: 0, or -1 when a write failed. */
int smtpd_queue_commit(smtpd_inj *, char const *sender, size_t slen, char const *rcpts, size_t rlen);
/* Waits for the injector: its exit code, or 256 + the signal that killed it. */
int smtpd_queue_wait(smtpd_inj *);
/* The reply for a non-zero status of smtpd_queue_wait, without CRLF; why
 * (at least 16 bytes) gets "exit N" or "signal N" for the reply's end. */
char const *smtpd_queue_reply(int status, char *why);

#endif
