/* injd_proto: the parser of posta-injectd's protocol (doc/protocols.md,
 * "posta-smtpd to posta-injectd").
 *
 * The client sends the message as netstrings ("LEN:" LEN bytes ","), each
 * of 1 to INJP_CHUNK_MAX bytes, then the empty netstring "0:," that ends
 * it, then the envelope (posta-queue's fd 1 bytes) as one netstring of at
 * most envmax bytes; nothing may follow. The parser is fed whatever the
 * socket gave and hands the message's and the envelope's bytes to a sink
 * as they come, without copying or allocating. libc only; never exits. */
#ifndef POSTA_INJD_PROTO_H
#define POSTA_INJD_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define INJP_CHUNK_MAX 1048576
#define INJP_DIGITS 10

/* The codes the parser itself returns (qmail-queue's): a byte out of the
 * protocol is 54 (the message or envelope could not be read), an envelope
 * longer than envmax 91, a message longer than msgmax 53 (the room the
 * free-space reserve leaves: posta-queue's code for it). */
#define INJP_EBAD 54
#define INJP_EENV 91
#define INJP_EBIG 53

enum injp_state {
  INJP_MSG_LEN, INJP_MSG_DATA, INJP_MSG_COMMA,
  INJP_ENV_LEN, INJP_ENV_DATA, INJP_ENV_COMMA,
  INJP_DONE, INJP_BAD
};

typedef struct injp_sink_s injp_sink;
struct injp_sink_s {
  /* each returns 0, or a code that stops the parse */
  int (*msg)(void *ctx, char const *, size_t);   /* message bytes */
  int (*msg_end)(void *ctx);                     /* after "0:," */
  int (*env)(void *ctx, char const *, size_t);   /* envelope bytes */
  void *ctx;
};

typedef struct injp_s injp;
struct injp_s {
  int state;            /* enum injp_state */
  unsigned digits;      /* of the length being read */
  uint64_t left;        /* the length being read, then its bytes still due */
  uint64_t total;       /* message bytes so far */
  uint64_t msgmax;      /* 0: no limit */
  size_t envmax;
};

void injp_init(injp *, uint64_t msgmax, size_t envmax);
/* Parses n bytes: 0 when all were taken (injp_done tells whether the
 * envelope is complete), else a code (the parser's or a sink's), after
 * which the parser stays in INJP_BAD. */
int injp_feed(injp *, char const *s, size_t n, injp_sink const *);
#define injp_done(p) ((p)->state == INJP_DONE)

#endif
