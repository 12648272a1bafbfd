/* init: posta-send's start: descriptors, the lock, the trigger, signals,
 * settings, and the first scans.
 *
 * posta-start hands over fd 3 (posta-lspawn), 4 (posta-rspawn), 5 and 6
 * (posta-clean's pipes). They are made non-blocking and close-on-exec, so
 * that no child (posta-bounce) holds a helper's end open. The exclusive
 * lock on queue/lock/sendmutex (flock) is held for the life of the process:
 * two posta-send can never run on one queue. Dies (strerr, 100 or 111) when
 * any of this fails: nothing has been done yet. */
#ifndef POSTA_SEND_INIT_H
#define POSTA_SEND_INIT_H

#include "posta-send/send.h"

#define FD_LSPAWN 3
#define FD_RSPAWN 4
#define FD_CLEAN_W 5
#define FD_CLEAN_R 6

/* notify: the notification fd (-1 none). */
void init_all(send_ctx *, int notify);
/* Re-reads control files (SIGHUP) and applies the new limits. */
void init_reload(send_ctx *);

#endif
