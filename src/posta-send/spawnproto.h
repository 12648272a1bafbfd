/* spawnproto: posta-send's side of the spawn protocol (doc/protocols.md).
 *
 * A request is one SOCK_SEQPACKET packet "SLOT\0ID\0SENDER\0RCPT\0...",
 * for posta-rspawn carrying the message's descriptor (SCM_RIGHTS); for
 * posta-lspawn none: it opens queue/mess/N/ID itself. A response is one packet
 * "SLOT\0RESULT\0...", one RESULT per RCPT. Responses come from another uid:
 * they are checked, and any control character in a RESULT is replaced by a
 * space before anything keeps it. libc only; never blocks (MSG_DONTWAIT),
 * never exits; returns 0 or -1 with errno. */
#ifndef POSTA_SEND_SPAWNPROTO_H
#define POSTA_SEND_SPAWNPROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SPAWN_RCPT_MAX 100              /* recipients in one remote request */
#define SPAWN_RCPT_BYTES (128 * 1024)   /* their bytes, NULs included */
#define SPAWN_PACKET_MAX (SPAWN_RCPT_BYTES + 4096)
#define SPAWN_RESULT_MAX 2048           /* longer RESULT lines are cut */

typedef struct spawnreq_s spawnreq;
struct spawnreq_s {
  char *s;             /* SPAWN_PACKET_MAX bytes */
  size_t len;
  size_t hdr;          /* bytes before the first RCPT */
  size_t nrcpt;
};

/* Starts a request; 0, or -1 (EMSGSIZE) when the sender does not fit. */
int spawnproto_req_start(spawnreq *, unsigned slot, uint64_t id, char const *sender);
/* 0 added; -1 with errno EMSGSIZE when it would pass SPAWN_RCPT_MAX
 * recipients or SPAWN_RCPT_BYTES (the request is unchanged). */
int spawnproto_req_add(spawnreq *, char const *rcpt);
/* Sends the request with fd attached (none when fd is -1): 0, or -1
 * (EAGAIN: the socket is full, try later; anything else: the spawner is
 * gone). */
int spawnproto_req_send(int sock, spawnreq const *, int fd);

typedef struct spawnresp_s spawnresp;
struct spawnresp_s {
  unsigned slot;
  size_t n;
  char *result[SPAWN_RCPT_MAX];   /* point into the buffer given to parse */
};

/* Parses (and cleans, in place) one response packet of len bytes:
 * 0, or -1 with errno EPROTO. A RESULT that does not start with K, Z or D
 * followed by a status digit is made a Z. */
int spawnproto_resp_parse(spawnresp *, char *buf, size_t len);
/* Receives one packet: its length, 0 at end of file, -1 with errno (EAGAIN
 * nothing there; EPROTO a packet larger than max, which is dropped). */
ssize_t spawnproto_resp_recv(int sock, char *buf, size_t max);

#endif
