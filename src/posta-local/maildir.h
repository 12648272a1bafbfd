/* maildir: deliver into a Maildir the crash-safe way.
 *
 * The message is written to tmp/ under a name no other delivery uses
 * (time, microseconds, pid, a counter, the host), fsynced, linked into new/
 * under its final name, new/ is fsynced, and the tmp/ name is removed. A
 * crash leaves at most a stray file in tmp/, never a partial one in new/.
 *
 * The final name is stable when the message is a regular file (always, from
 * posta-lspawn): arrival time, device and inode of the queue file, and a
 * hash of its mtime, the recipient, the Maildir and the dot-qmail line. A
 * retry after a crash that came after the link finds the name taken and
 * counts the delivery as done: one copy, not two.
 *
 * maildir_deliver fills the context's result (result.h) on failure; the
 * name functions are pure. */
#ifndef POSTA_MAILDIR_H
#define POSTA_MAILDIR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "posta-local/local.h"

#define MAILDIR_HOST_MAX 64
#define MAILDIR_NAME_MAX 320

/* The host part of names: gethostname() with '/' as "\057" and ':' as
 * "\072", cut to fit. "localhost" when there is none. */
void maildir_host(char *out, size_t size, char const *raw);
/* "SEC.MUSECPpidQcounter.HOST" */
size_t maildir_name_unique(char *buf, size_t size, unsigned long long sec, unsigned long usec,
                           unsigned long pid, unsigned counter, char const *host);
/* "MTIME.VdevIinoHhash.HOST"; hash from maildir_hash. */
size_t maildir_name_stable(char *buf, size_t size, struct stat const *msg, uint64_t hash, char const *host);
/* FNV-1a over the message's mtime, the recipient, the Maildir path and
 * the dot-qmail line index. */
uint64_t maildir_hash(struct stat const *msg, char const *rcpt, char const *dir, unsigned line);

/* Delivers the message (Return-Path, Delivered-To, then fd 0) into dir
 * (ends in '/'): 0, or -1 (result 111) on any failure. Enforces dir's
 * Maildir++ quota (common/mdsize.h): a message that would go over it is
 * refused with 111 and 4.2.2 "mailbox full"; a delivery made appends its
 * size to dir/maildirsize. */
int maildir_deliver(local_ctx *c, char const *dir);

#endif
