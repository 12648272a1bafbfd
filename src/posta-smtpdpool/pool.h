/* pool: what posta-smtpdpool's modules share.
 *
 * One process, running as posta-d once the port is bound, owns the
 * listening socket and every worker's socket. It accepts a connection,
 * applies the tcprules cdb to it (pool_rules.c) and the limits (in total:
 * concurrencyincoming; per client address: concurrencyperip), and passes
 * the socket with the session's variables to an idle worker
 * (pool_conn.c). Workers are posta-smtpd -w processes, started ahead of
 * need and kept between minspare and maxspare idle ones, each retired
 * after smtpdmaxuse sessions (pool_worker.c). Since every connection goes
 * through this one process, the limits are exact without shared memory.
 *
 * With TLS (-t: STARTTLS, -i: implicit TLS), each connection also gets a
 * posta-tlsd -w worker (pool_tls.c), which holds the key and the client's
 * socket; the posta-smtpd worker gets a socket to it and its control
 * socket instead. TLS workers are started by the keeper, a process of
 * ours that stays root to that end alone (pool_keeper.c), and replaced
 * when control/servercert.pem or serverkey.pem change. */
#ifndef POSTA_POOL_H
#define POSTA_POOL_H

#include <stddef.h>
#include <sys/types.h>

#define POOL_IP_MAX 46                 /* INET6_ADDRSTRLEN */
#define POOL_MSG_MAX 16384             /* smtpd_worker.h's SMTPD_WORKER_MSG_MAX */
#define POOL_MAX_DEFAULT 100           /* control/concurrencyincoming */
#define POOL_PERIP_DEFAULT 50          /* control/concurrencyperip; 0: no limit */
#define POOL_MAXUSE_DEFAULT 100        /* control/smtpdmaxuse */
#define POOL_MINSPARE_DEFAULT 2
#define POOL_MAXSPARE_DEFAULT 10
#define POOL_MAX_HARD 10000

typedef struct pool_worker_s pool_worker;
struct pool_worker_s {
  pid_t pid;
  int ctl;                   /* our end of its socket */
  int busy;                  /* it serves a connection now */
  unsigned uses;             /* sessions given to it */
  char ip[POOL_IP_MAX];      /* the client's address while busy */
};

typedef struct pool_tlsw_s pool_tlsw;
struct pool_tlsw_s {
  pid_t pid;
  int ctl;                   /* our end of its socket */
  int busy;
  unsigned uses;
  unsigned gen;              /* of the certificate it loaded */
};

/* What the certificate files were when last looked at. */
typedef struct pool_certsig_s pool_certsig;
struct pool_certsig_s {
  long long v[2][6];         /* servercert.pem, serverkey.pem: dev, ino, size, mtime (s, ns), ctime */
};

typedef struct pool_tls_s pool_tls;
struct pool_tls_s {
  char mode;                 /* 0: no TLS; 'S': STARTTLS (-t); 'I': implicit (-i) */
  char const *prog;          /* posta-tlsd */
  int keeper;                /* the keeper's socket */
  pool_tlsw *w;              /* max of them */
  unsigned nw, busy;
  unsigned gen;              /* of the certificate files now */
  int cert;                  /* 1 servercert.pem exists, 0 not */
  int bad;                   /* this gen's certificate cannot be used */
  pool_certsig sig;
  long long backoff_until;
  long long retire_after;
  long long look_after;      /* ms: the files not looked at again before */
};

typedef struct pool_s pool;
struct pool_s {
  int lfd;                      /* the listening socket */
  char const *rules;            /* the tcprules cdb, 0: none */
  char const *const *argv;      /* the worker's command line */
  unsigned max, perip, maxuse, minspare, maxspare;
  pool_worker *w;               /* max of them */
  unsigned nw;                  /* workers running */
  unsigned busy;                /* of them serving a connection */
  long long backoff_until;      /* ms: no new worker before (one died young) */
  long long retire_after;       /* ms: no idle worker retired before */
  pool_tls tls;
};

/* pool_net.c: binds addr:port and listens with a backlog of backlog; the
 * socket is non-blocking and close-on-exec. Dies on failure. */
int pool_listen(char const *addr, char const *port, unsigned backlog);
/* pool_net.c: the variables tcpserver would set for the connection fd
 * (PROTO, TCPLOCALIP, TCPLOCALPORT, TCPREMOTEIP, TCPREMOTEPORT), each
 * NAME=VALUE NUL, appended to msg at *len (of size); the client's address
 * in ip. 0, or -1 with errno. */
int pool_net_vars(int fd, char *msg, size_t size, size_t *len, char *ip);

/* pool_rules.c: looks the client's address up in the cdb fn as tcpserver
 * -x does (ip, then its prefixes ending at a '.' or a ':', then ""): 1
 * allowed, the rule's variables (NAME=VALUE NUL each) appended to msg at
 * *len; 0 denied; -1 with errno when the cdb exists but cannot be read
 * (tcpserver drops the connection then). No cdb: allowed, no variables. */
int pool_rules(char const *fn, char const *ip, char *msg, size_t size, size_t *len);

/* pool_worker.c */
/* Starts one worker: 0, or -1 (logged). */
int pool_worker_start(pool *);
/* Hands the connection (n descriptors: the client's socket; or with TLS,
 * the socket to the TLS worker and its control socket) and its message to
 * worker i: 0, or -1 (the worker is broken: it is retired, the caller
 * tries another). */
int pool_worker_give(pool *, unsigned i, int const *fds, unsigned n, char const *msg, size_t len, char const *ip);
/* The first idle worker, starting one when none is: its index, or -1. */
int pool_worker_for(pool *);
/* Worker i said something or went away: a session over, or the worker
 * gone (its connection released, it is removed). */
void pool_worker_event(pool *, unsigned i);
/* Reaps the workers that exited; starts or retires idle ones to keep
 * between minspare and maxspare. */
void pool_worker_tend(pool *);
/* An idle worker's index, or -1. */
int pool_worker_idle(pool const *);
/* How many busy workers serve ip. */
unsigned pool_worker_count_ip(pool const *, char const *ip);

/* What a worker's socket ctl says (what: "worker", "TLS worker", for the
 * log): 1 its session is over ("D" while busy), 0 nothing yet, -1 it is
 * gone or talks nonsense (logged if busy; *backoff_until pushed on when
 * it served no session), the caller drops it. */
int pool_worker_heard(int ctl, pid_t pid, int busy, unsigned uses, char const *what, long long *backoff_until);

/* pool_keeper.c: forks the keeper (still root), which starts prog -w on
 * request; our end of its socket. Dies on failure. */
int pool_keeper_start(pool const *, char const *prog);

/* pool_tls.c */
/* Looks at the certificate files: a change starts a new generation (idle
 * workers of the old one retired, busy ones after their session). 1: TLS
 * can be offered; 0: not (no certificate, or one that cannot be used). */
int pool_tls_ready(pool *);
/* Hands the TLS side of a connection to a TLS worker: the client's socket
 * fd, the socket to the posta-smtpd worker, the control socket. Picks or
 * starts a worker: 0, or -1 (none could take it; logged). */
int pool_tls_give(pool *, int fd, int app, int ctl, char const *ip);
/* An idle TLS worker of this generation, or one started: 0, or -1. */
int pool_tls_reserve(pool *);
/* TLS worker i said something or went away. */
void pool_tls_event(pool *, unsigned i);
/* Keeps spare TLS workers as pool_worker_tend keeps SMTP ones. */
void pool_tls_tend(pool *);

/* pool_conn.c: accepts one connection and gives it to a worker, or refuses
 * it as the rules and limits say. Never exits. */
void pool_conn_accept(pool *);

/* pool_loop.c: waits for connections and workers, for ever. */
void pool_loop(pool *);
/* pool_loop.c: milliseconds on the monotonic clock. */
long long pool_now_ms(void);

#endif
