/* answer: turn posta-local's exit and output into a RESULT line, and send
 * the response packet (doc/protocols.md).
 *
 * Exit 0 or 99: K; 100: D; 111, any other code, a signal: Z. The enhanced
 * status is the "(#X.Y.Z)" at the end of posta-local's text when its class
 * agrees with the code, else 2.0.0, 5.3.0 or 4.3.0. The text is bounded
 * (1000 bytes) and has every control character made a space. answer_build
 * is pure. */
#ifndef POSTA_ANSWER_H
#define POSTA_ANSWER_H

#include <stddef.h>

#define ANSWER_TEXT_MAX 1000
#define ANSWER_MAX (16 + ANSWER_TEXT_MAX + 32)

/* Writes "SLOT\0" "C" "X.Y.Z - TEXT" "\0" into out (ANSWER_MAX bytes) for a
 * child's wait status and its output; returns the length. */
size_t answer_build(char *out, unsigned slot, int wstatus, char const *text, size_t len);
/* The same for a delivery that never ran: code 'Z' or 'D', a status, a
 * text. */
size_t answer_fail(char *out, unsigned slot, char code, char const *status, char const *text);
/* Sends one packet on fd 1. 0, or -1 with errno. */
int answer_send(char const *s, size_t len);

#endif
