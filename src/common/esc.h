/* esc: text from outside made fit for a log line, a header, a reply or a
 * result line, under one of a few named policies.
 *
 * The policies (a byte is what it becomes):
 *   ESC_ADDR    doc/log-format.md's address rule: every byte outside
 *               0x21-0x7e, and \ < >, as \xHH (lowercase hex). An address
 *               so written has no space, < or >: a log line splits on them.
 *   ESC_TEXT    doc/log-format.md's text rule: control bytes (below 0x20),
 *               DEL and \ as \xHH; spaces and 0x80-0xff stay.
 *   ESC_FIELD   ESC_TEXT and the space too as \x20: one field of a line
 *               split on spaces (posta-showctl's names and list items).
 *   ESC_SPACES  control bytes and DEL become spaces: a result's or a
 *               notice's free text, still one line, read by people.
 *   ESC_WORD    every byte outside 0x21-0x7e, and ( ) [ ] \ ;, becomes
 *               '?': one word, safe in a header comment (Received:, a
 *               result line's MTA) and in a log line.
 * None lets a CR, LF or NUL through. Outputs are bounded by the caller's
 * size, never overflow, and never split an escape. libc only; never
 * allocates, never exits. */
#ifndef POSTA_ESC_H
#define POSTA_ESC_H

#include <stddef.h>

typedef enum { ESC_ADDR, ESC_TEXT, ESC_FIELD, ESC_SPACES, ESC_WORD } esc_policy;

/* the most bytes one input byte becomes */
#define ESC_MAX 4

/* Writes c under p into out; returns how many bytes (1 or ESC_MAX). */
size_t esc_byte(char out[ESC_MAX], unsigned char c, esc_policy p);

/* The len bytes of s under p into out, NUL-terminated, in at most size
 * bytes (size 0 writes nothing). What does not fit is left out, at an
 * escape's boundary. Returns the length written (without the NUL). */
size_t esc_copy(char *out, size_t size, char const *s, size_t len, esc_policy p);

/* esc_copy of the string s (a null s is ""); returns out. */
char *esc_str(char *out, size_t size, char const *s, esc_policy p);

/* The same, but a string that does not fit is cut where "..." still fits
 * and ends in "..." (size at least 4); returns out. */
char *esc_dots(char *out, size_t size, char const *s, esc_policy p);

/* ESC_SPACES in place: the len bytes of s, control bytes and DEL made
 * spaces. */
void esc_spaces(char *s, size_t len);

#endif
