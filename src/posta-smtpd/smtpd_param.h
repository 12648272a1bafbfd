/* smtpd_param: the ESMTP parameters after a MAIL or RCPT path
 * (RFC 5321 4.1.2 Mail-parameters, RFC 1870 SIZE, RFC 6152 BODY,
 * RFC 6531 SMTPUTF8).
 *
 * MAIL takes SIZE=n, BODY=7BIT or BODY=8BITMIME, SMTPUTF8; it also takes
 * and ignores AUTH=, RET= and ENVID=. RCPT takes and ignores NOTIFY= and
 * ORCPT=. Anything else is unknown (555). A keyword may come once. SIZE is
 * read with overflow-safe arithmetic: a value past 2^64-1 is flagged, never
 * wrapped. Pure: no I/O, no allocation. */
#ifndef POSTA_SMTPD_PARAM_H
#define POSTA_SMTPD_PARAM_H

#include <stddef.h>
#include <stdint.h>

#define PARAM_MAIL 1
#define PARAM_RCPT 2

#define PARAM_OK 0
#define PARAM_ESYNTAX (-1)   /* not "keyword[=value]" separated by spaces */
#define PARAM_EUNKNOWN (-2)  /* a keyword this command does not take */
#define PARAM_EVALUE (-3)    /* a known keyword with a bad value, or twice */

#define PARAM_F_SIZE 1       /* SIZE= given */
#define PARAM_F_HUGE 2       /* SIZE= past 2^64-1 */
#define PARAM_F_8BIT 4       /* BODY=8BITMIME */
#define PARAM_F_7BIT 8       /* BODY=7BIT */
#define PARAM_F_UTF8 16      /* SMTPUTF8 */

typedef struct smtpd_params_s smtpd_params;
struct smtpd_params_s {
  unsigned flags;
  uint64_t size;
};

/* s[0..len) is what follows the path's '>'. */
int smtpd_param_parse(char const *s, size_t len, unsigned which, smtpd_params *);
/* A decimal number: 1 and *v, 0 when it is past 2^64-1 (however many
 * digits), -1 when it is not a number. */
int smtpd_param_size(char const *s, size_t len, uint64_t *v);

#endif
