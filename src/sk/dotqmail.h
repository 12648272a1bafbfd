/* dotqmail: which dot-qmail files posta-local tries, in which order.
 *
 * qmail's cascade: ".qmail" DASH EXT first (".qmail" for a plain address);
 * without a dash, nothing more. With one, from the most specific,
 * ".qmail-P-default" for every prefix P of EXT that ends before a '-', then
 * ".qmail-default". In file names the
 * extension is lower-cased and '.' and '/' become ':', so that no address
 * can name a file outside the home or a hidden path. DEFAULT is the part
 * of the extension a -default file stands for.
 *
 * libc only in effect (no file access but dotqmail_exists's stat); never
 * exits. */
#ifndef POSTA_DOTQMAIL_H
#define POSTA_DOTQMAIL_H

#include <stddef.h>

typedef struct dotqmail_iter_s dotqmail_iter;
struct dotqmail_iter_s {
  char const *dash;
  char const *ext;
  size_t extlen;
  size_t i;      /* next prefix length to try for -default */
  int state;     /* 0 first name, 1 defaults, 2 done */
};

void dotqmail_start(dotqmail_iter *, char const *dash, char const *ext);
/* Writes the next file name into buf (size bytes). 1 a name (*dflt, when
 * not 0, gets the offset in ext of DEFAULT's value, or -1 when the name is
 * not a -default file), 0 no more names, -1 a name too long for buf. */
int dotqmail_next(dotqmail_iter *, char *buf, size_t size, long *dflt);
/* For RCPT-time checks: 1 when one file of the cascade exists in folder
 * home (or cannot be looked at: the delivery will decide), 0 none, -1
 * error (errno). */
int dotqmail_exists(char const *home, char const *dash, char const *ext);

#endif
