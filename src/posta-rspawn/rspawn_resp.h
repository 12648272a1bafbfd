/* rspawn_resp: build one response packet of the spawn protocol from what
 * posta-remote printed:
 *
 *   SLOT NUL RESULT NUL [RESULT NUL ...]
 *
 * one RESULT per recipient, in order. posta-remote's lines are checked: a
 * line must read "CODE STATUS MTA TEXT" with CODE K, Z or D and an RFC 3463
 * STATUS of CODE's class (K 2, Z 4, D 5); a line that does not is replaced by
 * a Z saying so; a missing line (posta-remote crashed, or wrote too little)
 * by the caller's text, a Z. Control characters become spaces; a line is cut
 * at RSPAWN_LINE_MAX bytes. Pure; never allocates. */
#ifndef POSTA_RSPAWN_RESP_H
#define POSTA_RSPAWN_RESP_H

#include <stddef.h>

#define RSPAWN_LINE_MAX 1400

/* Room needed for n results. */
size_t rspawn_resp_size(unsigned int n);
/* Writes the packet into out (at least rspawn_resp_size(n) bytes) and
 * returns its length. out_text: posta-remote's output, outlen bytes;
 * missing: the RESULT for a recipient without a line. */
size_t rspawn_resp_build(char *out, unsigned long slot, unsigned int n, char const *output, size_t outlen, char const *missing);
/* 1 when line[0..len) is a well-formed RESULT. */
int rspawn_resp_valid(char const *line, size_t len);

#endif
