/* inforec: the info record queue/info/N/ID (doc/queue.md, "info" v1).
 *
 * Sender, arrival time, injector's uid, message size, the time a delay
 * notice was queued, and the hold and remove flags. Its presence means the
 * message is preprocessed. libc only; returns 0 or -1 with errno. */
#ifndef POSTA_SEND_INFOREC_H
#define POSTA_SEND_INFOREC_H

#include <stdint.h>

#include "common/rec.h"

#define INFOREC_KIND "info"
#define INFOREC_VERSION 1

typedef struct info_s info;
struct info_s {
  char *sender;        /* "" for the null sender */
  uint64_t t;          /* arrival */
  uint64_t uid;
  uint64_t size;
  uint64_t d;          /* delay notice queued at, 0 none */
  int h;               /* held */
  int x;               /* to be removed */
};
#define INFO_ZERO { 0, 0, 0, 0, 0, 0, 0 }

/* 0, or -1 with errno EPROTO (malformed, a field missing or twice),
 * ENOTSUP or ENOMEM; *i is changed only on success. */
int inforec_parse(info *i, char const *buf, size_t len);
int inforec_build(rec_buf *b, info const *i);
void inforec_free(info *);

#endif
