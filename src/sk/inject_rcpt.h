/* inject_rcpt: local submission's envelope: the recipients, completed with
 * qmail's host rules (sk/inject_host.h), checked, without duplicates, and
 * the envelope in qmail-queue's format. Never exits. */
#ifndef POSTA_INJECT_RCPT_H
#define POSTA_INJECT_RCPT_H

#include <stddef.h>

#include <skalibs/stralloc.h>

#include "sk/inject_host.h"

/* Completes each address of list[0..len) (NUL-terminated items, as
 * inject_addr_list writes them) and appends it to out. 0, or -1 with errno:
 * EINVAL an address that cannot go into an envelope (*bad points at it in
 * list), ENAMETOOLONG (the same), ENOMEM. */
int inject_rcpt_add(inject_hosts const *, char const *list, size_t len, stralloc *out, char const **bad);
/* Removes from the list every item equal to an earlier one, keeping the
 * order. 0 or -1 (ENOMEM). */
int inject_rcpt_dedupe(stralloc *list);
/* How many items a NUL-terminated list holds. */
size_t inject_rcpt_count(char const *list, size_t len);
/* Appends "F" sender NUL, "T" rcpt NUL for each, and the final NUL. 0 or -1. */
int inject_rcpt_envelope(stralloc *env, char const *sender, char const *rcpts, size_t len);

#endif
