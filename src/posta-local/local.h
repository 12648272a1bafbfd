/* local: what posta-local knows about the one delivery it makes.
 *
 * posta-local USER HOME LOCAL DASH EXT DOMAIN SENDER DEFAULTDELIVERY, the
 * message on fd 0 (seekable, LF line ends). The context is built once by
 * main and passed to every step; nothing here is global. A step that
 * fails fills the context's result (result.h) and returns -1: only
 * local_main writes the result line and exits. */
#ifndef POSTA_LOCAL_H
#define POSTA_LOCAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <skalibs/stralloc.h>

#include "posta-local/result.h"

#define LOCAL_ARG_MAX 16384           /* longest argument (posta-lspawn: less) */
#define LOCAL_DOTQMAIL_MAX (1u << 20) /* longest dot-qmail file read */
#define LOCAL_TIMEOUT_DEFAULT 3600    /* control/timeoutlocal: seconds for the programs of a delivery */

typedef struct local_ctx_s local_ctx;
struct local_ctx_s {
  char const *user;
  char const *home;
  char const *local;
  char const *dash;
  char const *ext;
  char const *domain;
  char const *sender;
  char const *defaultdelivery;
  long dflt;              /* offset of DEFAULT in ext, -1: no -default file */
  struct stat msg;        /* fstat of fd 0 */
  stralloc rcpt;          /* LOCAL@DOMAIN, NUL-terminated */
  stralloc dtline;        /* "Delivered-To: LOCAL@DOMAIN\n" */
  stralloc rpline;        /* "Return-Path: <SENDER>\n" */
  stralloc ufline;        /* "From SENDER DATE\n" (mbox) */
  stralloc fwd;           /* forward recipients, each NUL-terminated */
  unsigned nfwd;
  unsigned nmaildir;      /* deliveries done, by kind */
  unsigned nmbox;
  unsigned nprogram;
  unsigned line;          /* index of the dot-qmail line being run */
  unsigned long timeout;  /* control/timeoutlocal, seconds; 0 no limit */
  uint64_t deadline;      /* CLOCK_MONOTONIC ms at which a program still
                           * running is killed; 0 none */
  int maildir_only;       /* a worker's delivery: anything but Maildir
                           * lines is LOCAL_ELSEWHERE, before any runs */
  local_result res;       /* the outcome, once a step failed or all ran */
};

/* The code of a delivery that a worker leaves to a forked child: the
 * dot-qmail file has a program, a forward or an mbox (never an exit code) */
#define LOCAL_ELSEWHERE 1


/* entry.c: the whole run from posta-local's argv (argc 9): checks the
 * arguments, builds the context, delivers. Never returns. */
void local_main(int argc, char const *const *argv) __attribute__((noreturn));
/* One delivery in this process, for local_main and for a long-lived
 * worker: arg[0..7] are posta-local's arguments (checked by the caller),
 * the message on fd 0. Fills *res and returns its code; keeps nothing
 * (every buffer freed; the working directory is left in HOME). With
 * maildir_only, a dot-qmail file with anything but Maildir lines and
 * comments gives LOCAL_ELSEWHERE before anything is delivered. */
int local_deliver(char const *const *arg, int maildir_only, local_result *res);

/* Fills the derived fields (rcpt, dtline, rpline, ufline) and the
 * programs' deadline (control/timeoutlocal under $POSTA_HOME, from now);
 * 0, or -1 (result 111) when out of memory or the setting is unreadable.
 * CR, LF and other control bytes of the arguments never reach a header
 * line: they become '_'. */
int local_init(local_ctx *c);
/* The monotonic clock, in milliseconds. */
uint64_t local_now_ms(void);
/* The delivery: loop checks, the dot-qmail cascade, each instruction,
 * forwards. Fills c->res (the text of a success too) and returns its
 * code: 0 or 99 delivered, 100 permanent failure, 111 temporary. */
int local_run(local_ctx *c);

#endif
