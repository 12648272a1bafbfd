/* smtpd_queue: one run of the injector (posta-queue, or $QMAILQUEUE).
 *
 * The injector gets the message on its fd 0 and, after the message's end
 * of file, the envelope on its fd 1 (qmail-queue's protocol, envelope.h).
 * The envelope is written only by smtpd_inj_commit, whole: an injector
 * whose run is abandoned (smtpd_inj_abort, a write error, or posta-smtpd
 * itself gone) sees a missing envelope and must queue nothing. Writes wait
 * at most the session's timeout. Never exits. */
#ifndef POSTA_SMTPD_QUEUE_H
#define POSTA_SMTPD_QUEUE_H

#include <stddef.h>
#include <sys/types.h>

#include "posta-smtpd/smtpd_io.h"

#define SMTPD_INJ_EXEC 120     /* the child's exit code when exec fails */

typedef struct smtpd_inj_s smtpd_inj;
struct smtpd_inj_s {
  pid_t pid;
  int envfd;          /* -1 once closed */
  int broken;         /* a write failed: the message is not whole */
  sio msg;            /* fd -1 once closed */
};

/* Forks and executes prog: 0, or -1 with errno. */
int smtpd_inj_start(smtpd_inj *, char const *prog, unsigned timeout);
/* Part of the message. A failure marks the run broken. */
void smtpd_inj_put(smtpd_inj *, char const *, size_t);
/* Closes both pipes without an envelope. */
void smtpd_inj_abort(smtpd_inj *);
/* Ends the message, writes "F" sender NUL, the recipients (already "T"
 * fields), NUL, and closes: 0, or -1 when a write failed. */
int smtpd_inj_commit(smtpd_inj *, char const *sender, size_t slen, char const *rcpts, size_t rlen);
/* Waits for the injector: its exit code, or 256 + the signal that killed it. */
int smtpd_inj_wait(smtpd_inj *);
/* The reply for a non-zero status of smtpd_inj_wait, without CRLF; why
 * (at least 16 bytes) gets "exit N" or "signal N" for the reply's end. */
char const *smtpd_inj_reply(int status, char *why);

#endif
