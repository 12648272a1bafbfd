/* inject_qq: running the injector (posta-queue, or $QMAILQUEUE) for local
 * submission and for anyone else who queues a message: the message goes
 * to its fd 0, the envelope to its fd 1, its exit code says what happened.
 * Also the meaning of each exit code, in words, for error messages and SMTP
 * replies. posix_spawn, pipes and waitpid; never exits. */
#ifndef POSTA_INJECT_QQ_H
#define POSTA_INJECT_QQ_H

#include <stddef.h>
#include <sys/types.h>

typedef struct inject_qq_s inject_qq;
struct inject_qq_s {
  pid_t pid;
  int msg;      /* the message pipe, -1 once closed */
  int env;      /* the envelope pipe */
};

/* Starts prog with no arguments. The caller must ignore SIGPIPE: a write
 * after the injector died fails with EPIPE, and the exit code then tells
 * why it died. 0, or -1 with errno. */
int inject_qq_start(inject_qq *, char const *prog);
/* Writes message bytes. 0, or -1 with errno (EPIPE: the injector exited). */
int inject_qq_write(inject_qq *, char const *s, size_t len);
/* Ends the message, writes the envelope (already in qmail-queue's format)
 * and waits. Returns the injector's exit code (0 queued), INJECT_QQ_CRASHED
 * when it was killed, or -1 with errno when waiting failed. */
int inject_qq_finish(inject_qq *, char const *env, size_t envlen);
/* Closes both pipes without an envelope (the injector then refuses the
 * message and removes what it wrote) and waits. */
void inject_qq_abort(inject_qq *);

#define INJECT_QQ_CRASHED 256

/* What an exit code means: a sentence without final period. */
char const *inject_qq_text(int code);
/* 1 when the failure is permanent (qmail-queue's codes 11 to 40), else 0. */
int inject_qq_permanent(int code);

#endif
