/* tlsd: what posta-tlsd's modules share.
 *
 * posta-tlsd sits between the client's socket (descriptors 0 and 1, from
 * tcpserver) and posta-smtpd, which it runs with pipes for its standard
 * input and output. It reads the certificate and the private key while it
 * may still be root, drops to $UID/$GID, makes itself undumpable, and only
 * then reads a byte from the network: the key is never in a process that
 * parses SMTP, nor in one that the SMTP parser's uid may trace. TLS starts
 * at once (-i, port 465) or when posta-smtpd asks for it on the control
 * descriptor (STARTTLS, doc/protocols.md). With -w it is a long-lived
 * worker of posta-smtpdpool instead (tlsd_worker.c), which relays for one
 * connection after another with the key loaded once. Module functions die through
 * strerr on errors that end the session. */
#ifndef POSTA_TLSD_H
#define POSTA_TLSD_H

#include <stddef.h>
#include <sys/types.h>

#include <tls.h>

#define TLSD_BUF 16384
#define TLSD_CTL_MAX 600      /* one control message, LF included */
#define TLSD_CTLFD 3          /* the control descriptor in posta-smtpd */
#define TLSD_TIMEOUT_DEFAULT 1200

typedef struct tlsd_buf_s tlsd_buf;
struct tlsd_buf_s {
  char s[TLSD_BUF];
  size_t pos, len;
};

typedef struct tlsd_s tlsd;
struct tlsd_s {
  int implicit;             /* -i: TLS from the first byte */
  unsigned timeout;         /* seconds without progress before we give up */
  struct tls_config *conf;
  struct tls *server;
  struct tls *conn;         /* the client's TLS session, 0 in plain text */
  int netin, netout;        /* the client: 0 and 1 */
  int toapp, fromapp, ctl;  /* posta-smtpd's stdin, stdout, control (-1: none) */
  pid_t child;
  char ip[64];              /* the client's address, cleaned, for the log */
  char version[32];         /* of the TLS session, cleaned */
  char cipher[64];
};

/* tlsd_conf.c: reads control/servercert.pem (and control/serverkey.pem when
 * it exists, else the key from servercert.pem) and control/timeoutsmtpd;
 * TLS 1.2 and 1.3 only. 1 ready, 0 no certificate, -1 a certificate or
 * key that cannot be used (logged); dies on a system error. */
int tlsd_conf_load(tlsd *);
/* The server context of control/servercert.pem and its key, as
 * tlsd_conf_load makes it (posta-showctl's check too): 1 and *conf,
 * *server, or -1 with why (n bytes) saying what cannot be used (*conf
 * set, *server 0 or set). Dies on a system error. */
int tlsd_conf_server(struct tls_config **conf, struct tls **server, char *why, size_t n);

/* tlsd_priv.c: becomes $UID/$GID (refuses to go on as root without them)
 * and undumpable. Dies on failure. */
void tlsd_drop(void);
/* tlsd_priv.c: the client's address for the log, from TCPREMOTEIP. */
void tlsd_client_ip(tlsd *);
/* tlsd_priv.c: the client's address for the log, from s (cleaned). */
void tlsd_set_ip(tlsd *, char const *s);

/* tlsd_worker.c: -w, serves the pool's connections until end of file on
 * descriptor 0, with the configuration of tlsd_conf_load (cert: what it
 * returned). The exit code. */
int tlsd_worker_run(tlsd *, int cert);

/* tlsd_child.c: runs argv with pipes on 0 and 1, the control socket on
 * TLSD_CTLFD when ctl is set, and in its environment POSTA_TLSFD, or
 * SSL_PROTOCOL and SSL_CIPHER when TLS is on already. Dies on failure. */
void tlsd_spawn(tlsd *, char const *const *argv, int ctl);
/* tlsd_child.c: removes what posta-smtpd would take for a TLS session
 * (POSTA_TLSFD, SSL_PROTOCOL, SSL_CIPHER) from the environment: only
 * posta-tlsd sets them, never whoever ran it. */
void tlsd_clear_env(void);
/* tlsd_child.c: closes our ends of its descriptors and waits for the
 * child; dies never. */
void tlsd_reap(tlsd *);

/* tlsd_hand.c: the TLS handshake on the client's socket, each wait bounded
 * by the timeout. 0, or -1 (logged). */
int tlsd_handshake(tlsd *);
/* The same, then its result to posta-smtpd on the control socket,
 * "Yversion cipher\n" (STARTTLS and implicit TLS alike). 0, or -1. */
int tlsd_handshake_tell(tlsd *);
/* tlsd_hand.c: writes all of s in plain text to the client. 0 or -1. */
int tlsd_net_putall(tlsd *, char const *s, size_t n);
/* tlsd_hand.c: the STARTTLS switch once posta-smtpd asked for it with
 * line (its reply, CRLF included): flush its earlier output, send the
 * reply, forget what the client sent in plain text, handshake, tell
 * posta-smtpd and wait for its acknowledgement. 0, or -1: the session ends. */
int tlsd_switch(tlsd *, tlsd_buf *a2n, tlsd_buf *n2a, char const *line, size_t n);

/* tlsd_ctl.c: reads one control message (up to and with its LF) within the
 * timeout: its length, 0 at end of file, -1 on error. */
ssize_t tlsd_ctl_read(tlsd *, char *buf, size_t size);
/* tlsd_ctl.c: writes all of s on the control descriptor. 0 or -1. */
int tlsd_ctl_write(tlsd *, char const *s, size_t n);

/* tlsd_relay.c: copies between the client and posta-smtpd until both
 * directions are done. Never exits. */
void tlsd_relay(tlsd *);

/* tlsd_net.c: the client's side, in plain text or TLS. Each returns the
 * octets moved, 0 at end of file (read), -1 on error, or TLS_WANT_POLLIN /
 * TLS_WANT_POLLOUT when it must wait. */
ssize_t tlsd_net_read(tlsd *, char *, size_t);
ssize_t tlsd_net_write(tlsd *, char const *, size_t);
/* Makes the client's descriptors non-blocking; dies on failure. */
void tlsd_net_nonblock(tlsd *);
/* Waits until fd is ready for events within the timeout: 0, or -1. */
int tlsd_wait(tlsd const *, int fd, short events);

#endif
