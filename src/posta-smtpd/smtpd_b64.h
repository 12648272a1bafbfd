/* smtpd_b64: base64 (RFC 4648 4) decoding for SMTP AUTH.
 *
 * Strict: the standard alphabet, padding required to a multiple of four,
 * nothing else (no spaces, no line breaks), "=" only at the end. Pure: no
 * I/O, no allocation. */
#ifndef POSTA_SMTPD_B64_H
#define POSTA_SMTPD_B64_H

#include <stddef.h>

/* Decodes in[0..n) into out (at most outsize octets): the decoded length,
 * or -1 when the input is not valid base64 or does not fit. */
long smtpd_b64_decode(char const *in, size_t n, char *out, size_t outsize);
/* Encodes in[0..n) into out (NUL-terminated): the length, or -1 when it
 * does not fit. */
long smtpd_b64_encode(char const *in, size_t n, char *out, size_t outsize);

#endif
