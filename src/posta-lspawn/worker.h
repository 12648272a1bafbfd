/* worker: a long-lived virtual-mailbox worker, forked by posta-lspawn.
 *
 * Runs as posta-v (never root: it exits 111 when it cannot drop to it),
 * not dumpable, with only /dev/null on 0 and 1, the log on 2 and its end
 * of a SOCK_SEQPACKET socketpair with posta-lspawn on WORKER_FD; nothing
 * else of posta-lspawn's (posta-send's socket, queue/mess, other
 * deliveries' messages) is open in it. The hand-off (doc/protocols.md):
 *
 *   lspawn -> worker  'L' SLOT NUL ID NUL SENDER NUL RCPT NUL
 *   worker -> lspawn  'M' (the mailbox is posta-v's: send the message)
 *                     or 'F' (not mine: fork a child as before)
 *   lspawn -> worker  'D', the message's descriptor (SCM_RIGHTS)
 *   worker -> lspawn  'R' CODE NUL LINE (posta-local's exit code and
 *                     result line) or 'F' (the dot-qmail file has more
 *                     than Maildirs: nothing was delivered)
 *
 * It serves until posta-lspawn closes the socket, which it does after
 * control/localmaxuse hand-offs. */
#ifndef POSTA_WORKER_H
#define POSTA_WORKER_H

#include <sys/types.h>

#define WORKER_FD 3

/* In the forked child: sock is its end of the socketpair. */
void worker_run(char const *home, int sock, uid_t uid, gid_t gid) __attribute__((noreturn));

#endif
