/* inject_head: local submission's message header: reading it, bounded, and
 * fixing it.
 *
 * Reading: fields up to the empty line, folded lines included, at most
 * INJECT_HEAD_MAX bytes in all (a folded field can be long, so the bound is
 * on the whole header, not on a line). A leading mbox "From " line is
 * dropped. The first line that is neither a field nor a continuation ends
 * the header and is the body's first line.
 *
 * Fixing (pure, on a header already read): drops Bcc, Resent-Bcc,
 * Return-Path and Content-Length; takes the recipients of To, Cc and Bcc, or
 * of Resent-To, Resent-Cc and Resent-Bcc when any of these is present;
 * adds From, Date and Message-ID when missing, after the fields it keeps;
 * ends the header with its empty line. Never exits. */
#ifndef POSTA_INJECT_HEAD_H
#define POSTA_INJECT_HEAD_H

#include <stddef.h>

#include <skalibs/stralloc.h>

#include "sk/inject_in.h"

/* 1 MiB: far above any real header, low enough for a small machine. */
#define INJECT_HEAD_MAX 1048576

/* Reads the header into head (LF line ends) and the body's first piece, if
 * the header ended on a body line, into rest. 0, or -1 with errno: EFBIG
 * the header is longer than max, a read error, ENOMEM. */
int inject_head_read(inject_in *, stralloc *head, stralloc *rest, size_t max);
/* 1 when line[0..len) starts a header field: a name of printable
 * characters but ':', optional blanks, then ':'. */
int inject_head_is_field(char const *line, size_t len);

typedef struct inject_fix_s inject_fix;
struct inject_fix_s {
  char const *from;     /* the value of a From field to add when missing */
  char const *date;     /* of Date */
  char const *msgid;    /* of Message-ID */
  char const *bad;      /* out: the field whose addresses could not be read */
  size_t badlen;
};

/* Appends the fixed header and its empty line to out, the addresses of the
 * recipient fields to rcpts (each NUL-terminated, as inject_addr_list);
 * with rcpts 0 the recipient fields are not read, only dropped or kept.
 * 0, or -1 with errno (EINVAL or ENAMETOOLONG with f->bad set, ENOMEM). */
int inject_head_fix(char const *head, size_t len, inject_fix *f, stralloc *out, stralloc *rcpts);

#endif
