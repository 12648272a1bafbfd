/* qwalk: walk one kind of the queue's split folders, a few names at a time.
 *
 * queue/KIND/0 ... queue/KIND/(CONF_SPLIT-1) are read with readdir, keeping
 * the folder open between calls, so that a scan of a huge folder is spread
 * over many turns of the main loop and never stalls it. Names that are not
 * message ids (NAME.tmp files, strays) are skipped. Uses libc (opendir);
 * never exits. */
#ifndef POSTA_SEND_QWALK_H
#define POSTA_SEND_QWALK_H

#include <dirent.h>
#include <stdint.h>

typedef struct qwalk_s qwalk;
struct qwalk_s {
  char kind[16];
  unsigned split;       /* the folder being read */
  DIR *dir;
  int running;
};
#define QWALK_ZERO { { 0 }, 0, 0, 0 }

void qwalk_start(qwalk *, char const *kind);
/* 1 and the next id; 0 when the scan is over (or was never started).
 * A folder that cannot be opened is skipped with errno set, -1 returned
 * once for it, and the scan goes on at the next call. */
int qwalk_next(qwalk *, uint64_t *id);
void qwalk_stop(qwalk *);

#endif
