/* lspawn: posta-lspawn's state, the slots of the deliveries in flight.
 *
 * One slot per delivery posta-send asked for (its SLOT number): the pid
 * of the child that becomes posta-local, the pipe its stdout goes to, and
 * what it wrote (at most LSPAWN_OUT_MAX bytes kept), and queue/mess.
 * Built by main, passed
 * to every function; nothing here is global. */
#ifndef POSTA_LSPAWN_H
#define POSTA_LSPAWN_H

#include <stddef.h>
#include <sys/types.h>

#include "posta-lspawn/messfile.h"

#define LSPAWN_SLOTS_MAX 1000
#define LSPAWN_SLOTS_DEFAULT 10
#define LSPAWN_OUT_MAX 1000
#define LSPAWN_DEFAULTDELIVERY_MAX 16384

typedef struct lspawn_slot_s lspawn_slot;
struct lspawn_slot_s {
  pid_t pid;              /* 0: free */
  int fd;                 /* read end of posta-local's stdout, -1 closed */
  size_t len;
  char out[LSPAWN_OUT_MAX];
};

typedef struct lspawn_s lspawn;
struct lspawn_s {
  char const *home;       /* the instance, absolute */
  lspawn_slot *slot;
  unsigned n;             /* number of slots: control/concurrencylocal */
  unsigned running;
  int eof;                /* no more requests will come */
  int sigfd;              /* the selfpipe */
  messdir mess;           /* queue/mess: where each message is opened */
};

/* Serves requests on fd 0 and answers on fd 1 until end of file and the
 * last delivery answered. Returns 0; dies 111 only when the event loop
 * itself fails. */
int lspawn_loop(lspawn *);

#endif
