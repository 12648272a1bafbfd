/* tcpto: addresses that recently refused or timed out a connection.
 *
 * qmail's idea: when an address fails to connect, other deliveries skip it
 * for a while instead of each waiting for the same timeout. The memory is
 * one small file, remote/tcpto in the instance's home (a folder posta-r
 * owns; posta-r cannot write in queue/): TCPTO_SLOTS entries of 32 bytes,
 *
 *   0..15  the address (IPv4 mapped)
 *   16..23 until: seconds since the epoch, big-endian; skip it before then
 *   24..25 consecutive failures, big-endian
 *   26     version (1)    27 zero
 *   28..31 CRC-32 of bytes 0..27, big-endian
 *
 * An entry whose CRC or version is wrong is free: a torn or foreign entry
 * costs at most one needless connection attempt. Writers hold an fcntl lock
 * on the whole file and rewrite one entry in place; readers read without a
 * lock. The n-th consecutive failure makes the address skipped for
 * TCPTO_BASE << (n-1) seconds, at most TCPTO_MAX; a connection that works
 * frees its entry. When the file or its folder is missing or unwritable,
 * nothing is remembered: tcpto is an optimisation, never a reason to fail.
 * Never exits, never prints. */
#ifndef POSTA_TCPTO_H
#define POSTA_TCPTO_H

#include <stdint.h>

#define TCPTO_SLOTS 128
#define TCPTO_ENTRY 32
#define TCPTO_BASE 60
#define TCPTO_MAX 3600

typedef struct tcpto_s tcpto;
struct tcpto_s {
  int fd;   /* -1: nothing is remembered */
};

/* Opens (creates) path. Never fails: a failure leaves fd -1. */
void tcpto_open(tcpto *, char const *path);
void tcpto_close(tcpto *);
/* 1 and *until when ip is to be skipped at time now, else 0. */
int tcpto_dead(tcpto const *, char const ip[16], uint64_t now, uint64_t *until);
/* Records a failure (refused, timed out) of ip at time now. */
void tcpto_fail(tcpto const *, char const ip[16], uint64_t now);
/* Forgets ip: it accepted a connection. */
void tcpto_ok(tcpto const *, char const ip[16]);

#endif
