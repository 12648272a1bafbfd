/* request: one spawn request from posta-send (doc/protocols.md).
 *
 * SLOT NUL ID NUL SENDER NUL RCPT NUL, exactly one RCPT for posta-lspawn,
 * and no descriptor: ID names the message, which posta-lspawn opens itself
 * (messfile.h). request_parse checks every field and its bounds; it never
 * copies and never allocates. request_recv reads one packet and refuses
 * one that carries a descriptor (closed at once, never used). */
#ifndef POSTA_REQUEST_H
#define POSTA_REQUEST_H

#include <stddef.h>

#define REQUEST_MAX 4096
#define REQUEST_ADDR_MAX 1000

typedef struct request_s request;
struct request_s {
  unsigned slot;
  int has_slot;          /* the slot field was readable: a Z can be sent */
  char const *id;
  char const *sender;
  char const *rcpt;
  int fd;                /* the message once opened (messfile.h), else -1 */
};

/* 0 a good request; -1 a bad one, *why says why (r->has_slot tells whether
 * it can be answered). buf is len bytes. */
int request_parse(char const *buf, size_t len, request *r, char const **why);
/* Reads one packet from fd into buf (REQUEST_MAX bytes) and parses it.
 * 1 a packet (good or bad, as request_parse; *bad set), 0 end of file,
 * -1 error (errno; EAGAIN/EINTR: nothing to read). Any descriptor that
 * came is closed and makes the request bad; r->fd is -1. */
int request_recv(int fd, char *buf, request *r, int *bad, char const **why);

#endif
