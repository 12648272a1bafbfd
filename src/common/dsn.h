/* dsn: composing delivery status notifications (RFC 3464, RFC 6522).
 *
 * dsn_compose turns one failure or delay report (the original sender, the
 * arrival time, each recipient with the spawner's RESULT line of
 * doc/protocols.md, the original message's first bytes) into one whole
 * message: a multipart/report; report-type=delivery-status with a plain
 * English first part, a message/delivery-status part, and the original
 * message (message/rfc822, whole, when it is at most `limit` bytes and can
 * be carried as it is) or its header section (text/rfc822-headers).
 *
 * The output's lines end in LF (the queue's convention) and are at most
 * DSN_LINE_MAX bytes. No CR, LF, NUL or other control character taken from
 * the report or the original message ever reaches a header field, and the
 * MIME boundary is chosen so that it occurs in none of the parts.
 *
 * The output depends only on the dsn given: no clock, no file, no
 * environment, so that it can be checked against golden files. libc only;
 * returns errors, never exits. */
#ifndef POSTA_DSN_H
#define POSTA_DSN_H

#include <stddef.h>
#include <stdint.h>

#define DSN_FAILED 0     /* a failure notice: Action: failed */
#define DSN_DELAYED 1    /* a delay notice: Action: delayed */

#define DSN_LINE_MAX 998         /* RFC 5322's limit, LF excluded */
#define DSN_LIMIT_DEFAULT 102400 /* the whole original up to 100 KiB */

typedef struct dsn_rcpt_s dsn_rcpt;
struct dsn_rcpt_s {
  char const *addr;    /* the recipient as the queue knows it: Final-Recipient */
  char const *orig;    /* the recipient as injected when it differs, else 0 */
  char const *result;  /* "CODE STATUS SP MTA SP TEXT" (doc/protocols.md) */
};

typedef struct dsn_s dsn;
struct dsn_s {
  int kind;              /* DSN_FAILED or DSN_DELAYED */
  int dbl;               /* 1: a double bounce, the report of a failed notice */
  char const *me;        /* control/me: Reporting-MTA */
  char const *from;      /* the notice's From: address (bouncefrom@bouncehost) */
  char const *to;        /* the notice's recipient (the sender, or the postmaster) */
  char const *sender;    /* the original envelope sender, "" for <> */
  char const *msgid;     /* the notice's Message-ID, without the angle brackets */
  uint64_t id;           /* the original's queue id */
  int64_t arrival;       /* when the original was queued */
  int64_t now;           /* the notice's Date */
  int64_t until;         /* DSN_DELAYED: Will-Retry-Until */
  dsn_rcpt const *rcpt;
  size_t nrcpt;
  char const *msg;       /* the original's first msglen bytes, 0 when gone */
  size_t msglen;
  uint64_t msgsize;      /* the original's whole size in bytes */
  size_t limit;          /* the whole original is returned up to this size */
};

typedef struct dsn_buf_s dsn_buf;
struct dsn_buf_s {
  char *s;
  size_t len;
  size_t a;
  int err;
};
#define DSN_BUF_ZERO { 0, 0, 0, 0 }

/* Composes the notice into out (appended). 0, or -1 with errno ENOMEM, or
 * EINVAL when d has no recipient. */
int dsn_compose(dsn const *d, dsn_buf *out);
void dsn_buf_free(dsn_buf *);

/* One RESULT line taken apart. A line that is not of that form still gives
 * a result: code '?', the default status of the notice's kind, mta "-", the
 * whole line as text. */
typedef struct dsn_result_s dsn_result;
struct dsn_result_s {
  char code;            /* 'K', 'Z', 'D', or '?' */
  char status[12];      /* "5.1.1": class, subject, detail */
  char const *mta;      /* "host[ip]" or "-", not NUL-terminated */
  size_t mtalen;
  char const *text;     /* the rest, NUL-terminated (may be empty) */
};
/* Never fails; kind chooses the default status (5.0.0 or 4.0.0). */
void dsn_result_parse(char const *line, int kind, dsn_result *r);

#endif
