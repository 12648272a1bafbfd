/* smtpd_config: posta-smtpd's settings from control/.
 *
 * Missing files give the documented defaults (posta-smtpd(8)); values out of
 * range are brought into it, never refused. libc only; returns -1 with errno
 * when a file exists but cannot be read or holds no number. */
#ifndef POSTA_SMTPD_CONFIG_H
#define POSTA_SMTPD_CONFIG_H

#include <stdint.h>

#define SMTPD_GREETING_MAX 255
#define SMTPD_BADRCPT_FREE 3        /* refused recipients answered at once */
#define SMTPD_BADRCPT_DELAY_MAX 10  /* seconds: the longest wait before a refusal */

typedef struct smtpd_cfg_s smtpd_cfg;
struct smtpd_cfg_s {
  char greeting[SMTPD_GREETING_MAX + 1]; /* smtpgreeting, else me */
  uint64_t databytes;      /* 0: no limit */
  unsigned long maxrcpt;   /* at least 100, at most ENVELOPE_RCPT_HARDMAX */
  unsigned long maxbadrcpt;   /* refused recipients per session; 0: no limit */
  unsigned long badrcptdelay; /* seconds more per refusal after the first few */
  unsigned long timeout;   /* seconds, at least 1 */
  unsigned long linemax;   /* octets with CRLF, at least 1000; 0: no limit */
  uint64_t minfree;        /* bytes that must stay free in queue/ */
};

/* me is control/me (domains_load read it): the default greeting. */
int smtpd_config_load(smtpd_cfg *, char const *me);
/* minfree + extra, or UINT64_MAX when the sum overflows. */
uint64_t smtpd_config_need(smtpd_cfg const *, uint64_t extra);

#endif
