/* resultline: the RESULT lines posta-remote prints, doc/protocols.md's form
 *
 *   CODE STATUS SP MTA SP TEXT      e.g. K2.0.0 mx.example.net[192.0.2.1] 250 ok
 *
 * CODE K (delivered), Z (try again later) or D (failed for good); STATUS an
 * RFC 3463 code whose class agrees with CODE; MTA "name[address]", or "-"
 * when no server answered; TEXT at most RESULT_TEXT_MAX bytes in which every
 * control character has become a space. Pure; never allocates. */
#ifndef POSTA_RESULTLINE_H
#define POSTA_RESULTLINE_H

#include <stddef.h>

#define RESULT_TEXT_MAX 1000
#define RESULT_STATUS_MAX 12     /* "5.123.123" and its NUL */
#define RESULT_MTA_MAX 320
#define RESULT_LINE_MAX (2 + RESULT_STATUS_MAX + RESULT_MTA_MAX + RESULT_TEXT_MAX + 2)

/* The enhanced status code at the start of a reply's text ("550 5.1.1 no
 * such user" gives 5.1.1) when it is well formed and of the reply's class;
 * else a default: 4.3.2 for 421 (the server is closing: the destination,
 * not a recipient, is in trouble), else the class's "C.0.0". code is the
 * reply's code (200..599). Returns 1 when the reply had a code, 0 when the
 * default was used. */
int resultline_status(char out[RESULT_STATUS_MAX], unsigned int code, char const *text);
/* The status class for a result code: 'K' 2, 'Z' 4, 'D' 5. */
char resultline_class(char kind);
/* "name[address]", or "[address]" for a nameless target (literals); name
 * and address made one word each (esc.h's ESC_WORD: spaces, control and
 * 8-bit bytes, brackets and the like become '?'). */
void resultline_mta(char out[RESULT_MTA_MAX], char const *name, char const *address);
/* Formats one line, without its newline, into out (size >= 64), cut to
 * fit. A status whose class disagrees with kind is replaced by the kind's
 * default. Returns the length. */
size_t resultline_format(char *out, size_t size, char kind, char const *status, char const *mta, char const *text);

/* snprintf that is meant to cut: texts are bounded, their sources are not. */
void resultline_textf(char *out, size_t size, char const *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
