/* qrm_run: posta-qrm's body. See qrm_run.h. */
#include "posta-qrm/qrm_run.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/buffer.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/cmdrec.h"
#include "common/home.h"
#include "common/slurp.h"
#include "posta-qrm/qrm_select.h"
#include "sk/qmarkrun.h"
#include "sk/qmarktool.h"
#include "sk/qscan.h"

extern char **environ;

/* far more than any queue lists (a few hundred bytes a message) */
#define LISTING_MAX (1u << 30)

typedef struct opts_s opts;
struct opts_s {
  unsigned wait;
  char const *spat, *rpat;
  int dry, all;
};

/* -1 on a usage error, else the index of the first id. */
static int options(int argc, char const *const *argv, opts *o)
{
  subgetopt l = SUBGETOPT_ZERO;
  l.err = 0;
  for (int c; (c = subgetopt_r(argc, argv, "t:s:r:n", &l)) != -1;) {
    switch (c) {
      case 't': { size_t k = uint0_scan(l.arg, &o->wait); if (!k || l.arg[k]) return -1; break; }
      case 's': o->spat = l.arg; break;
      case 'r': o->rpat = l.arg; break;
      case 'n': o->dry = 1; break;
      default: return -1;
    }
  }
  o->all = l.ind + 1 == argc && !strcmp(argv[l.ind], "all");
  int select = o->spat || o->rpat || o->all;
  /* ids, or a selection: never both; -n only lists a selection */
  if (select ? l.ind != argc - o->all : l.ind == argc || o->dry) return -1;
  return l.ind;
}

/* posta-qread's listing of the whole queue, NUL-terminated: 0, or
 * posta-qread's exit code, or 111 (after a line saying why). Run in the
 * home as the caller, before posta-qrm takes posta-s's rights: a program
 * run with a real and an effective uid that differ runs in secure mode. */
static int listing(char **out, size_t *len)
{
  char *argv[2] = { "posta-qread", 0 };
  posix_spawn_file_actions_t fa;
  int p[2], r, status;
  pid_t pid;
  *out = 0;
  *len = 0;
  if (pipe2(p, O_CLOEXEC) < 0) { strerr_warnwusys("make a pipe"); return 111; }
  if ((r = posix_spawn_file_actions_init(&fa)) || (r = posix_spawn_file_actions_adddup2(&fa, p[1], 1))
      || (r = posix_spawn(&pid, "bin/posta-qread", &fa, 0, argv, environ))) {
    errno = r;
    strerr_warnwusys("run bin/posta-qread");
    close(p[0]);
    close(p[1]);
    return 111;
  }
  posix_spawn_file_actions_destroy(&fa);
  close(p[1]);
  r = slurp_stream(p[0], LISTING_MAX, out, len);
  int e = errno;
  close(p[0]);
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) { strerr_warnwusys("wait for bin/posta-qread"); return 111; }
  if (r < 0) { errno = e; strerr_warnwusys("read the queue's listing"); return 111; }
  if (*len == LISTING_MAX) { strerr_warnw1x("the queue's listing is too long"); return 111; }
  if (!WIFEXITED(status)) { strerr_warnw1x("bin/posta-qread crashed"); return 111; }
  return WEXITSTATUS(status);
}

/* Removes (or, dry, names) the messages the selection gives, from the
 * listing list. */
static int selected(opts const *o, char const *list, size_t len)
{
  stralloc ids = STRALLOC_ZERO;
  size_t n = 0;
  int code = 0;
  if (qrm_select(list, len, o->spat, o->rpat, &ids, &n) < 0) { strerr_warnwusys("allocate"); code = 111; }
  char const **argv = code ? 0 : calloc(n + 1, sizeof *argv);
  if (!code && !argv) { strerr_warnwusys("allocate"); code = 111; }
  for (size_t i = 0, at = 0; !code && i < n; i++, at += strlen(ids.s + at) + 1) argv[i] = ids.s + at;
  if (!code && !n) strerr_warn(PROG, ": info: no message matches");
  else if (!code && o->dry) {
    for (size_t i = 0; i < n; i++)
      if (buffer_puts(buffer_1, argv[i]) < 0 || buffer_puts(buffer_1, ": would be removed\n") < 0) break;
    if (!buffer_flush(buffer_1)) { strerr_warnwusys("write to stdout"); code = 111; }
  } else if (!code) code = qmarkrun_run(CMDREC_REMOVE, argv, o->wait);
  free(argv);
  stralloc_free(&ids);
  return code;
}

/* The listing first, as the caller; then the rights of posta-s for the
 * requests (qscan_enter). */
static int choose(opts const *o)
{
  char *list;
  size_t len;
  char const *home = home_get();
  if (chdir(home) < 0) {
    strerr_warnsys(PROG, ": fatal: unable to change to the home folder ", home);
    return 111;
  }
  int code = listing(&list, &len);
  if (code == 100) strerr_warn(PROG, ": fatal: only root and posta-s may change the queue");
  if (!code) code = qscan_enter("change");
  if (!code) code = selected(o, list, len);
  free(list);
  return code;
}

int qrm_main(int argc, char const *const *argv)
{
  opts o = { QMARK_WAIT_DEFAULT, 0, 0, 0, 0 };
  int i = options(argc, argv, &o);
  if (i < 0) {
    strerr_warn(PROG, ": usage: ", QRM_USAGE);
    return 100;
  }
  if (!o.spat && !o.rpat && !o.all) return qmarktool_run(CMDREC_REMOVE, argv + i, o.wait);
  return choose(&o);
}
