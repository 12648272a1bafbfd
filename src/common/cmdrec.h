/* cmdrec: an operator's request to posta-send, queue/cmd/ID (doc/queue.md,
 * "cmd" v1).
 *
 * posta-qhold, posta-qrm and posta-qflush never change a message's records
 * themselves: posta-send is the only writer of info, and a tool that
 * rewrote it while posta-send holds the message in memory would have its
 * change overwritten. They leave one request per message in queue/cmd/
 * (the message's id as the name; 0 names every message, for a flush) and
 * wake posta-send, which applies it and removes it. libc only; never
 * touches the file system; returns 0 or -1 with errno. */
#ifndef POSTA_CMDREC_H
#define POSTA_CMDREC_H

#include <stddef.h>
#include <stdint.h>

#include "common/rec.h"

#define CMDREC_KIND "cmd"
#define CMDREC_VERSION 1
#define CMDREC_DIR "queue/cmd"
#define CMDREC_PATH_MAX 48       /* "queue/cmd/" and 20 digits, and room */
#define CMDREC_ALL 0             /* the id that names every message */
#define CMDREC_BYTE 'c'          /* what a tool writes to queue/lock/trigger */

enum cmdrec_op {
  CMDREC_HOLD = 'h',             /* no delivery until released */
  CMDREC_RELEASE = 'r',          /* deliveries go on */
  CMDREC_REMOVE = 'x',           /* never delivered again; files removed */
  CMDREC_FLUSH = 'f'             /* every pending recipient tried now */
};

typedef struct cmdrec_s cmdrec;
struct cmdrec_s {
  char op;                       /* enum cmdrec_op */
  uint64_t t;                    /* when it was asked */
  uint64_t uid;                  /* who asked (real uid) */
};

/* 1 when op is one of enum cmdrec_op. */
int cmdrec_op_valid(char op);
/* "queue/cmd/ID" into buf (CMDREC_PATH_MAX bytes). */
void cmdrec_path(char *buf, uint64_t id);
/* 0, or -1 with errno EPROTO (not whole, an unknown op, a field missing or
 * twice) or ENOTSUP (another version). */
int cmdrec_parse(cmdrec *, char const *buf, size_t len);
int cmdrec_build(rec_buf *, cmdrec const *);

#endif
