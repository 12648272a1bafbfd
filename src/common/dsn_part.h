/* dsn_part: the parts of a notice, as the files of dsn_compose share them.
 * Not an interface for programs: they call dsn_compose (dsn.h). libc only;
 * every function appends to a dsn_buf and fails only through its err. */
#ifndef POSTA_DSN_PART_H
#define POSTA_DSN_PART_H

#include <stddef.h>

#include "common/dsn.h"

/* What the third part returns of the original. */
#define DSN_ORIG_NONE 0     /* nothing: the message is gone, or has no header */
#define DSN_ORIG_WHOLE 1    /* message/rfc822, the message as it is */
#define DSN_ORIG_HEADERS 2  /* text/rfc822-headers, its header section */

typedef struct dsn_orig_s dsn_orig;
struct dsn_orig_s {
  int what;          /* DSN_ORIG_* */
  int toobig;        /* headers only because the message is over the limit */
  int eightbit;      /* the part holds 8-bit bytes */
  char const *s;     /* WHOLE: the message; HEADERS: hdr.s */
  size_t len;
  dsn_buf hdr;       /* HEADERS: the cleaned header section */
};

/* Decides what to return of d's original and prepares it. 0, or -1 ENOMEM. */
int dsn_orig_prepare(dsn const *d, dsn_orig *o);
void dsn_orig_free(dsn_orig *o);

/* The plain English first part's body. */
void dsn_text_part(dsn const *d, dsn_orig const *o, dsn_buf *b);
/* The message/delivery-status part's body. */
void dsn_status_part(dsn const *d, dsn_buf *b);

/* dsn_result.c, about a parsed RESULT: 1 when a remote host answered (mta is not "-"). */
int dsn_result_remote(dsn_result const *r);
/* 1 when its text is an SMTP reply ("550 ...", "451-..."). */
int dsn_result_smtp(dsn_result const *r);
/* The host name of "host[ip]" (the whole mta when there is no name). */
size_t dsn_result_host(dsn_result const *r, char const **host);

#endif
