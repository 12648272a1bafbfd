/* smtpd_authfail: AUTH failures per client address, shared by every
 * posta-smtpd process of an instance (one per connection under tcpserver,
 * on the SMTP and both submission services, or long-lived workers).
 *
 * A client address may fail control/authfailmax times within
 * control/authfailwindow seconds; the failure that reaches the limit starts
 * a penalty of control/authfailpenalty seconds during which every AUTH from
 * that address is refused before any password is checked. When the penalty
 * is over, the address starts afresh. An IPv4 address counts alone, an IPv6
 * address with its whole /64 (one host often holds all of it).
 *
 * The counts live in one file, smtpd/authfail in the instance (the folder
 * belongs to posta-d, 0700; the file is made 0600 and refused when it is
 * anything else): a header and AUTHFAIL_SLOTS fixed slots, so that it never
 * grows, whatever the number of addresses. Each operation opens it, takes
 * an flock (waiting at most AUTHFAIL_LOCK_MS), reads it whole (160 KiB,
 * from the page cache), changes at most one slot in place and closes it:
 * processes need no shared memory, and a killed one leaves no lock behind.
 * A new address takes a free slot, else the one whose count expired
 * first, else the one whose window ends first among those not in a
 * penalty: a flood of new addresses pushes out counts before penalties.
 * Nothing needs to survive a reboot; a slot that makes no sense (a torn
 * write, a clock set back) is brought within the settings' bounds.
 *
 * libc only; returns -1 with errno on a failure, never exits. */
#ifndef POSTA_SMTPD_AUTHFAIL_H
#define POSTA_SMTPD_AUTHFAIL_H

#include <time.h>

#define AUTHFAIL_FILE "smtpd/authfail"
#define AUTHFAIL_SLOTS 4096
#define AUTHFAIL_LOCK_MS 5000
#define AUTHFAIL_MAX_DEFAULT 10          /* control/authfailmax; 0: no limit */
#define AUTHFAIL_WINDOW_DEFAULT 600      /* control/authfailwindow, seconds */
#define AUTHFAIL_PENALTY_DEFAULT 900     /* control/authfailpenalty, seconds */
#define AUTHFAIL_KEY 16

typedef struct smtpd_authfail_s smtpd_authfail;
struct smtpd_authfail_s {
  unsigned long max;       /* 0: the per-address limit is off */
  unsigned long window;    /* at least 1 */
  unsigned long penalty;   /* at least 1 */
};

/* What an operation does to the address's count. */
enum authfail_op {
  AUTHFAIL_CHECK,     /* 1 when a penalty runs, else 0; changes nothing */
  AUTHFAIL_CHARGE,    /* before a password check: 1 refused (a penalty
                       * runs, or as many checks as the limit allows are
                       * counted or running); 0 counted as a failure until
                       * settled */
  AUTHFAIL_FAIL,      /* the charged check failed: 1 when a penalty runs
                       * now (this failure started it, or another did) */
  AUTHFAIL_REFUND,    /* the charged check succeeded, or failed for a
                       * reason of ours: the charge is taken back; 0 */
};

/* Reads control/authfailmax, authfailwindow, authfailpenalty: 0, or -1. */
int smtpd_authfail_load(smtpd_authfail *);
/* The key of a client address as tcpserver gives it (TCPREMOTEIP: IPv4,
 * IPv6, IPv4-mapped IPv6, a %scope ignored); anything else, or none, is
 * one key for all such clients. */
void smtpd_authfail_key(char const *ip, unsigned char key[AUTHFAIL_KEY]);
/* Runs op for key at time now: its result (above), or -1 with errno
 * (ETIMEDOUT: the lock was not had in time; EPERM: the file is not a
 * regular file of ours, 0600). *until gets the end of the penalty when
 * the result is 1 (0 when refused for checks still running). With max 0,
 * nothing is read and the result is 0. */
int smtpd_authfail_run(smtpd_authfail const *, unsigned char const key[AUTHFAIL_KEY], enum authfail_op op,
                       time_t now, time_t *until);

#endif
