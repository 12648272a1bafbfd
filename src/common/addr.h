/* addr: SMTP paths and mail addresses (RFC 5321 4.1.2, RFC 6531 3.3).
 *
 * addr_parse_path reads a reverse-path or forward-path "<...>" as it comes
 * after MAIL FROM: or RCPT TO:, checks it against the RFC's grammar, and
 * gives the address in the form the queue keeps: "local@domain", the local
 * part unquoted, the domain lower-cased (ASCII letters only). A source
 * route ("<@a,@b:user@c>") is accepted and dropped, as RFC 5321 asks; the
 * result says so. addr_is_trick tells the forms that other mailers have
 * taken as routing instructions (percent hack, bang path, an '@' inside a
 * quoted local part), so that a caller can keep them away from the remote
 * channel. addr_format_path does the reverse of the parse: it quotes a
 * local part that needs it.
 *
 * libc only; never allocates, never reads files; every output is bounded by
 * the caller's buffer. An address never holds a byte below 0x20, DEL or a
 * NUL: the grammar has no room for them. */
#ifndef POSTA_ADDR_H
#define POSTA_ADDR_H

#include <stddef.h>

#define ADDR_MAX 512          /* longest address kept, NUL excluded */
#define ADDR_DOMAIN_MAX 255
#define ADDR_LABEL_MAX 63

/* options of addr_parse_path */
#define ADDR_UTF8 1           /* non-ASCII (well-formed UTF-8) allowed: SMTPUTF8 */
#define ADDR_NULLOK 2         /* the null path "<>" allowed */
#define ADDR_BAREOK 4         /* a mailbox without domain ("<postmaster>") allowed */

/* addr.flags */
#define ADDR_F_QUOTED 1       /* the local part was a quoted string */
#define ADDR_F_ROUTE 2        /* a source route was given, and dropped */
#define ADDR_F_8BIT 4         /* the address holds non-ASCII bytes */
#define ADDR_F_LITERAL 8      /* the domain is an address literal [...] */
#define ADDR_F_NULL 16        /* the null path "<>" */
#define ADDR_F_BARE 32        /* no domain */

/* results of addr_parse_path */
#define ADDR_OK 0
#define ADDR_ESYNTAX (-1)     /* not a path */
#define ADDR_ETOOLONG (-2)    /* longer than ADDR_MAX, a domain or label too long */
#define ADDR_E8BIT (-3)       /* non-ASCII without ADDR_UTF8, or bad UTF-8 */
#define ADDR_ENODOMAIN (-4)   /* a mailbox without domain, not allowed */
#define ADDR_ENULL (-5)       /* "<>", not allowed */

typedef struct addr_s addr;
struct addr_s {
  char s[ADDR_MAX + 1];  /* local@domain, NUL-terminated; "" for "<>" */
  size_t len;
  size_t at;             /* index of the '@' before the domain; len when bare */
  unsigned flags;
};

/* Parses the path at s[0..len): s starts with '<'. *used gets the index
 * after the closing '>'. ADDR_OK or one of the errors above. */
int addr_parse_path(char const *s, size_t len, unsigned opts, addr *a, size_t *used);
/* 1 when the local part holds '%', '!' or '@': forms that a mailer
 * somewhere may take as a route to another host. */
int addr_is_trick(addr const *a);
/* 1 when s[0..len) is a domain: dot-separated LDH labels (with ADDR_UTF8,
 * UTF-8 U-labels too), or an address literal [IPv4] or [IPv6:...]. */
int addr_domain_ok(char const *s, size_t len, unsigned opts);
/* 1 when s[0..len) is well-formed UTF-8 (no overlong forms, no surrogates,
 * nothing above U+10FFFF). */
int addr_utf8_ok(char const *s, size_t len);
/* 1 when the local part s[0..len) can go on the wire unquoted (a dot-string). */
int addr_local_is_dotstring(char const *s, size_t len);
/* Writes "<address>" into out (NUL-terminated), quoting the local part when
 * it is not a dot-string; address is "local@domain" split at its last '@',
 * or "" for "<>". Returns the length written, or 0 when out is too small or
 * the local part holds a byte that cannot be quoted (below 0x20, DEL). */
size_t addr_format_path(char *out, size_t outsize, char const *address, size_t len);

#endif
