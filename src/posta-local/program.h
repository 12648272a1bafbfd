/* program: run a dot-qmail "|command" line.
 *
 * sh -c COMMAND as the mailbox owner (posta-local already is), in the home,
 * with the message on stdin from its start and qmail-command(8)'s
 * environment (progenv.h). Its stdout and stderr are collected (the first
 * PROGRAM_OUTPUT_MAX bytes kept) and quoted in the result when it fails.
 * Exit codes as qmail-command(8): 0 delivered, 99 delivered and stop, 100,
 * 64, 65, 70, 76, 77, 78 and 112 permanent failure, anything else (a signal
 * too) temporary. A failure fills the context's result (result.h). */
#ifndef POSTA_PROGRAM_H
#define POSTA_PROGRAM_H

#include "posta-local/local.h"

#define PROGRAM_OUTPUT_MAX 800

#define PROGRAM_OK 0
#define PROGRAM_STOP 99
#define PROGRAM_PERM 100
#define PROGRAM_TEMP 111

/* What an exit code means: PROGRAM_OK, _STOP, _PERM or _TEMP. */
int program_class(int code);
/* Runs cmd; returns PROGRAM_OK or PROGRAM_STOP, else -1 (result 100 or
 * 111). */
int program_run(local_ctx *c, char const *cmd);

#endif
