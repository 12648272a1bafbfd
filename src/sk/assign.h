/* assign: users/assign lines and the users/cdb they compile into.
 *
 * users/assign keeps qmail's syntax: "=local:user:uid:gid:home:dash:ext:"
 * for one address, "+prefix:user:uid:gid:home:dash:pre:" for every local
 * part that starts with prefix, a final "." line. posta adds domain-scoped
 * keys, "=alice@example.com:..." and "+alice-@example.com:...", and allows
 * empty lines and '#' comments before the ".".
 *
 * users/cdb (posta's own format, read by lookup.c):
 *   key   "=" LOCAL [ "@" DOMAIN ]   an exact line, lower-cased
 *   key   "+" PREFIX [ "@" DOMAIN ]  a prefix line, lower-cased
 *   value user NUL uid NUL gid NUL home NUL dash NUL ext NUL
 * The first line of a key wins, as in qmail.
 *
 * Returns errors, never exits; assign_compile writes only to the descriptor
 * it is given. */
#ifndef POSTA_ASSIGN_H
#define POSTA_ASSIGN_H

#include <stddef.h>
#include <sys/types.h>

#include "sk/lookup.h"

#define ASSIGN_KEY_MAX 1100       /* a kind byte, a local part, '@', a domain */
#define ASSIGN_FILE_MAX (64u << 20)

typedef struct assign_line_s assign_line;
struct assign_line_s {
  char kind;                 /* '=' exact, '+' prefix */
  char const *key;           /* local part or prefix, maybe "@domain" */
  size_t keylen;
  char const *user;
  uid_t uid;
  gid_t gid;
  char const *home;
  char const *dash;
  char const *ext;
};

/* Parses one line of len bytes (without its LF, but s[len] must be
 * writable: it gets a NUL; the fields are cut in place). 1 a mailbox line, 0 a line that holds nothing (empty, comment),
 * 2 the final "." line, -1 malformed: *why says what is wrong. */
int assign_parse_line(char *s, size_t len, assign_line *a, char const **why);

/* Compiles a whole users/assign (text, len bytes; modified in place) into
 * a cdb written to fd (positioned at 0, empty). 0 done; -1 with errno on a
 * write error; -2 on a malformed file: *lineno and *why name the problem. */
int assign_compile(char *text, size_t len, int fd, unsigned *lineno, char const **why);

/* Writes the users/cdb key for kind ('=' or '+'), a local part or prefix of
 * n bytes and an optional domain (0: none), lower-cased, into buf
 * (ASSIGN_KEY_MAX bytes). Its length, or 0 when it does not fit. */
size_t assign_key(char *buf, char kind, char const *local, size_t n, char const *domain);

/* Decodes a users/cdb value into r (user, uid, gid, home, dash; ext gets
 * the value's ext). 0, or -1 with errno EPROTO when the value is not one
 * posta-newu writes. */
int assign_value(char const *s, size_t len, lookup_result *r);

#endif
