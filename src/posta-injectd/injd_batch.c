/* injd_batch: the group commit. Every message whose envelope is whole when
 * a turn of the loop ends is committed in one pass, each step of
 * doc/queue.md's order applied to all of them before the next:
 *   1. each message's record written to intd and both its files fsynced
 *      (qq_commit_write: the free space is checked there too);
 *   2. each folder mess/N holding one of them fsynced, once for all;
 *   3. each record renamed from intd to todo;
 *   4. each folder todo/N holding one of them fsynced, once for all;
 * and only then is each client told 0 (one trigger byte for the lot). A
 * message's failure at any step answers its code and removes its files
 * (a todo whose folder's fsync failed first); the others go on. The rules
 * hold for each message as if it were alone: its data is durable before
 * its todo name is made, its todo/N is fsynced after that name and before
 * its 0. What is shared is only the folder fsync that covers every name
 * made in the folder before it. */
#include <string.h>

#include "common/durable.h"
#include "common/qpath.h"
#include "conf.h"
#include "posta-injectd/injd.h"

/* The folder part of a queue path ("queue/todo/N"): its length. */
static size_t dirlen(char const *fn)
{
  char const *s = strrchr(fn, '/');
  return s ? (size_t)(s - fn) : 0;
}

/* fsyncs the folder of each ready message's fn (which: 0 mess, 1 todo)
 * once; a failure fails every message in that folder. */
static void sync_dirs(injd *d, int which)
{
  char done[CONF_SPLIT][QPATH_MAX];
  unsigned ndone = 0;
  for (unsigned i = 0; i < INJD_MAXCLIENTS; i++) {
    injd_client *c = &d->c[i];
    if (c->state != INJD_READY) continue;
    char fn[QPATH_MAX];
    memcpy(fn, which ? c->q.todofn : c->q.messfn, QPATH_MAX);
    size_t n = dirlen(fn);
    unsigned j;
    for (j = 0; j < ndone; j++)
      if (!strncmp(done[j], fn, n) && !done[j][n]) break;
    if (j < ndone) continue;
    int r = which ? qq_commit_sync_todo(&c->q) : qq_commit_sync_mess(&c->q);
    if (r) {
      /* every message of this folder fails with it */
      for (unsigned k = i; k < INJD_MAXCLIENTS; k++) {
        injd_client *o = &d->c[k];
        char const *ofn = which ? o->q.todofn : o->q.messfn;
        if (o->state != INJD_READY) continue;
        if (o != c && (dirlen(ofn) != n || strncmp(ofn, fn, n))) continue;
        if (o != c) r = qq_fail(&o->q, which ? QQ_TODO : QQ_MESS, which ? "fsync queue/todo" : "fsync queue/mess");
        injd_finish(d, o, r);
      }
      continue;
    }
    if (ndone < CONF_SPLIT && n < QPATH_MAX) {
      memcpy(done[ndone], fn, n);
      done[ndone++][n] = 0;
    }
  }
}

void injd_commit(injd *d)
{
  unsigned ready = 0;
  for (unsigned i = 0; i < INJD_MAXCLIENTS; i++) {
    injd_client *c = &d->c[i];
    if (c->state != INJD_READY) continue;
    int r = qq_commit_write(&c->q);
    if (r) injd_finish(d, c, r);
    else ready++;
  }
  if (!ready) return;
  sync_dirs(d, 0);
  for (unsigned i = 0; i < INJD_MAXCLIENTS; i++) {
    injd_client *c = &d->c[i];
    if (c->state != INJD_READY) continue;
    int r = qq_commit_rename(&c->q);
    if (r) injd_finish(d, c, r);
  }
  sync_dirs(d, 1);
  ready = 0;
  for (unsigned i = 0; i < INJD_MAXCLIENTS; i++) {
    injd_client *c = &d->c[i];
    if (c->state != INJD_READY) continue;
    qq_commit_done(&c->q);
    injd_finish(d, c, QQ_OK);
    ready++;
  }
  if (ready) qq_trigger();
}
