/* inject_run: local submission, shared by sendmail and posta-inject. Reads
 * a message on fd 0 (CRLF or LF), fixes its header (sk/inject_head.h),
 * builds the envelope from the options, the arguments and the header, and
 * queues the message through posta-queue (DIR/bin/posta-queue, or
 * $QMAILQUEUE), or prints it. Returns the exit code for main: 0, 100
 * (permanent, the message will never be accepted as it is) or 111
 * (temporary), with the reason in the error record; never exits itself. */
#ifndef POSTA_INJECT_RUN_H
#define POSTA_INJECT_RUN_H

#include <stddef.h>

/* Where the recipients come from. */
#define INJECT_RCPT_ARGS 1            /* the arguments alone */
#define INJECT_RCPT_HEADER 2          /* the header alone */
#define INJECT_RCPT_BOTH 3            /* both */
#define INJECT_RCPT_ARGS_OR_HEADER 4  /* the arguments, or the header when there is none */

typedef struct inject_opts_s inject_opts;
struct inject_opts_s {
  char const *sender;     /* envelope sender; 0: the user at defaulthost; "" or "<>": null */
  char const *fullname;   /* 0: $QMAILNAME, $MAILNAME, $NAME, else the passwd gecos */
  int dot;                /* a lone "." line ends the message */
  int rcpts;              /* INJECT_RCPT_* */
  int print;              /* write the message to stdout instead of queueing it */
  char const *const *args;
  size_t nargs;
};

typedef struct inject_err_s inject_err;
struct inject_err_s {
  int errnum;             /* errno to print, or 0 */
  char text[1200];        /* "VERB OBJECT" for "unable to VERB OBJECT" */
};

int inject_run(inject_opts const *, inject_err *);

#endif
