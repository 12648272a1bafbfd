/* smtpd_received: the Received header line posta-smtpd puts first
 * (RFC 5321 4.4, RFC 5322 3.6.7), LF line ends:
 *
 *   Received: from HELO (HOST [IP])
 *   	by ME ([LOCALIP]) with PROTO (VERSION cipher CIPHER)
 *   	for <RCPT>; DATE
 *
 * HOST, IP and LOCALIP when known; the TLS comment when TLS is on; a HELO that is an address literal stays; "for" only with one recipient (more
 * would disclose Bcc recipients to each other). Every text that came from
 * the network or the environment is cleaned (esc_str, ESC_WORD) and
 * bounded, so the line never holds CR, LF, NUL or other controls. Pure: no I/O. */
#ifndef POSTA_SMTPD_RECEIVED_H
#define POSTA_SMTPD_RECEIVED_H

#include <stddef.h>
#include <time.h>

#define SMTPD_RECEIVED_MAX 2048

typedef struct smtpd_received_s smtpd_received;
struct smtpd_received_s {
  char const *helo;
  char const *remotehost;   /* 0 unknown */
  char const *remoteip;     /* 0 unknown */
  char const *localip;      /* 0 unknown */
  char const *me;
  char const *proto;
  char const *tlsversion;   /* 0 without TLS */
  char const *tlscipher;
  char const *rcpt;         /* the one recipient, or 0 */
  time_t when;
};

/* The protocol name of RFC 3848 and RFC 6531: helo 1 HELO, 2 EHLO. */
char const *smtpd_received_proto(int helo, int utf8, int tls, int auth);
/* Writes the line into out (SMTPD_RECEIVED_MAX bytes), returns its length. */
size_t smtpd_received_fmt(char *out, smtpd_received const *);

#endif
