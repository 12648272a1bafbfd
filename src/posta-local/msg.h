/* msg: the message on fd 0, read from its start for each use.
 *
 * posta-local reads the message several times (loop check, each Maildir
 * or mbox, each program, the forward), so every reader seeks fd 0 back to
 * 0 first. Returns 0 or -1 with errno; never exits. */
#ifndef POSTA_MSG_H
#define POSTA_MSG_H

#include "posta-local/local.h"
#include "posta-local/loopcheck.h"

#define MSG_UF 1     /* the mbox From_ line first */
#define MSG_RP 2     /* Return-Path */
#define MSG_DT 4     /* Delivered-To */
#define MSG_MBOX 8   /* >From quoting and the closing empty line */

/* Seeks fd 0 to its start. */
int msg_rewind(void);
/* Writes the lines flags ask for, then the whole message, to fd. */
int msg_copy(int fd, local_ctx const *c, unsigned flags);
/* Runs the loop check over the message's header. */
int msg_loopcheck(loopcheck *l);

#endif
