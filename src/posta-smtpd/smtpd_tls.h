/* smtpd_tls: TLS as posta-smtpd sees it, through posta-tlsd.
 *
 * posta-smtpd never touches TLS or the key: posta-tlsd does, between the
 * socket and us. When it runs us with POSTA_TLSFD, STARTTLS (RFC 3207) is
 * offered, and the command asks posta-tlsd on that descriptor to switch
 * (doc/protocols.md); SSL_PROTOCOL and SSL_CIPHER say that TLS is on
 * already (port 465). Never exits. */
#ifndef POSTA_SMTPD_TLS_H
#define POSTA_SMTPD_TLS_H

#include <sys/types.h>

#define SMTPD_TLS_VERSION_MAX 32
#define SMTPD_TLS_CIPHER_MAX 64

typedef struct smtpd_tls_s smtpd_tls;
struct smtpd_tls_s {
  int fd;                                 /* posta-tlsd's control, -1: none */
  int on;                                 /* the session is encrypted */
  char version[SMTPD_TLS_VERSION_MAX];    /* "TLSv1.3", cleaned */
  char cipher[SMTPD_TLS_CIPHER_MAX];
};

/* From the environment. */
void smtpd_tls_init(smtpd_tls *);
/* 1 when STARTTLS may be offered now. */
int smtpd_tls_offer(smtpd_tls const *);
/* One line of posta-tlsd's on its control descriptor fd, read up to LF
 * (which becomes a NUL) within timeout_ms each byte: its length with the
 * LF, or -1 (end of file, an error, a timeout, a line longer than size). */
ssize_t smtpd_tls_getline(int fd, char *buf, size_t size, int timeout_ms);

#endif
