/* vbox: virtual mailboxes, the addresses posta-user manages.
 *
 * A virtual mailbox LOCAL@DOMAIN has its home in DIR/mailboxes/DOMAIN/LOCAL/
 * and its Maildir in DIR/mailboxes/DOMAIN/LOCAL/Maildir/, all owned by
 * posta-v. Root's posta-user records them in users/assign; posta-v's, which
 * cannot write users/, in DIR/mailboxes/.virtual (one lower-cased
 * address a line), compiled into DIR/mailboxes/.virtual.cdb (key: the
 * address, value: empty). Both live in posta-v's own folder, so posta-v can
 * run posta-user; lookup maps them only to posta-v and to homes under
 * DIR/mailboxes, never to another uid, so they grant nothing more.
 *
 * Addresses become paths: vbox_addr accepts only a dot-atom local part
 * without '/' (at most VBOX_LOCAL_MAX bytes) and a domain of letters,
 * digits, '-' and '.' labels (at most VBOX_DOMAIN_MAX bytes), and lower-cases
 * both. Never exits; touches no file but the descriptor vbox_compile gets. */
#ifndef POSTA_VBOX_H
#define POSTA_VBOX_H

#include <stddef.h>

#define VBOX_LIST "mailboxes/.virtual"
#define VBOX_CDB "mailboxes/.virtual.cdb"
#define VBOX_LOCAL_MAX 64
#define VBOX_DOMAIN_MAX 253
#define VBOX_ADDR_MAX (VBOX_LOCAL_MAX + 1 + VBOX_DOMAIN_MAX + 1)

/* 1 when the n bytes at s make an acceptable local part / domain. */
int vbox_local_ok(char const *s, size_t n);
int vbox_domain_ok(char const *s, size_t n);
/* Checks addr and writes it lower-cased into out (VBOX_ADDR_MAX bytes),
 * *at the offset of its '@'. 0, or -1 and *why says what is wrong. */
int vbox_addr(char const *addr, char *out, size_t *at, char const **why);
/* Compiles the list (text, len bytes) into a cdb written to fd. Lines that
 * are not acceptable addresses are skipped. 0, or -1 with errno. */
int vbox_compile(char const *text, size_t len, int fd);

#endif
