/* inject_addr: the addresses of an RFC 5322 address list, for sendmail -t
 * and posta-inject (header recipients) and for their arguments.
 *
 * Understands mailboxes ("addr@host", "Name <addr@host>", source routes
 * "<@a,@b:addr@host>"), groups ("team: a@x, b@y;"), comments (nested,
 * with quoted pairs), quoted strings, domain literals, folding (CR, LF and
 * whitespace anywhere between tokens) and the obsolete spaces around dots
 * and '@'. Each address comes out as the envelope holds it: quotes and
 * quoted pairs removed, comments and display names dropped, "<>" and empty
 * groups giving nothing. On skalibs' stralloc; never exits. */
#ifndef POSTA_INJECT_ADDR_H
#define POSTA_INJECT_ADDR_H

#include <stddef.h>

#include <skalibs/stralloc.h>

/* Longest address accepted: the envelope's limit. */
#define INJECT_ADDR_MAX 1000

/* Appends each address of the list s[0..len) to out, each followed by a NUL,
 * and returns how many. -1 with errno: EINVAL a syntax error (an unclosed
 * quote, comment, '<' or '[', a control character, two words with nothing
 * between them outside a display name), ENAMETOOLONG an address longer than
 * INJECT_ADDR_MAX, ENOMEM. On error out is as it was. */
int inject_addr_list(char const *s, size_t len, stralloc *out);

#endif
