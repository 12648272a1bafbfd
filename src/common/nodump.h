/* nodump: a process's memory closed to the other processes of its uid.
 *
 * Processes of one uid may trace each other and read each other's memory,
 * environment and descriptors through /proc (ptrace's rules), unless the
 * target is not dumpable. Every program that holds another party's data
 * (a client's message or password, a message being delivered, the queue's
 * state) calls nodump() first thing in main(), before it reads any of it:
 * one posta-smtpd session, taken over by its client, then cannot read
 * another session's AUTH password, nor posta-remote another delivery's
 * message. A setuid program, or one that changed its uids, is not dumpable
 * already; execve makes a program dumpable again, hence the call in each.
 * No core file is written for such a process. libc only. */
#ifndef POSTA_COMMON_NODUMP_H
#define POSTA_COMMON_NODUMP_H

/* prctl(PR_SET_DUMPABLE, 0): 0, or -1 with errno. */
int nodump(void);

#endif
