/* helpers: posta-start's descriptors and children. See helpers.h. */
#include "posta-start/helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <skalibs/setgroups.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#define HIGH 10

/* fd moved to HIGH or above, close-on-exec. */
static int high(int fd)
{
  int h = fcntl(fd, F_DUPFD_CLOEXEC, HIGH);
  if (h < 0) strerr_diefusys(111, "move a descriptor");
  close(fd);
  return h;
}

static void seqpair(int *p)
{
  int big = START_SOCKBUF;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p) < 0) strerr_diefusys(111, "create a socketpair");
  /* a remote request is up to 128 KiB: room for a few of them in flight */
  for (int i = 0; i < 2; i++) {
    if (setsockopt(p[i], SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big) < 0)
      setsockopt(p[i], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    if (setsockopt(p[i], SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0)
      setsockopt(p[i], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    p[i] = high(p[i]);
  }
}

static void pipepair(int *p)
{
  if (pipe2(p, O_CLOEXEC) < 0) strerr_diefusys(111, "create a pipe");
  p[0] = high(p[0]);
  p[1] = high(p[1]);
}

void helpers_create(start_fds *f)
{
  if (f->notify >= 0) {
    if (fcntl(f->notify, F_GETFD) < 0) f->notify = -1;
    else f->notify = high(f->notify);
  }
  seqpair(f->lspawn);
  seqpair(f->rspawn);
  pipepair(f->to_clean);
  pipepair(f->from_clean);
}

void helpers_drop(uid_t uid, gid_t gid, gid_t extra)
{
  gid_t groups[1] = { extra };
  if (getuid() == uid && geteuid() == uid) return;
  if (setgroups_and_gid(gid, extra == (gid_t)-1 ? 0 : 1, groups) < 0) strerr_diefusys(111, "set groups");
  if (setgid(gid) < 0) strerr_diefusys(111, "setgid");
  if (setuid(uid) < 0) strerr_diefusys(111, "setuid");
}

/* In the child: in on fd 0, out on fd 1, then exec. */
static void run(char const *prog, int in, int out, uid_t uid, gid_t gid, gid_t extra)
{
  char const *argv[2] = { prog, 0 };
  char path[64];
  if (dup2(in, 0) < 0 || dup2(out, 1) < 0) strerr_diefusys(111, "set up the descriptors of ", prog);
  helpers_drop(uid, gid, extra);
  snprintf(path, sizeof path, "bin/%s", prog);
  execv(path, (char *const *)argv);
  strerr_diefusys(111, "exec ", path);
}

static void spawn(char const *prog, int in, int out, start_fds const *f, uid_t uid, gid_t gid, gid_t extra)
{
  pid_t pid = fork();
  if (pid < 0) strerr_diefusys(111, "fork for ", prog);
  if (pid) return;
  PROG = "posta-start (child)";
  /* the notification fd is posta-send's alone: s6 must not see a helper's copy */
  if (f->notify >= 0) close(f->notify);
  run(prog, in, out, uid, gid, extra);
}

void helpers_spawn(start_fds const *f, roles const *r)
{
  /* posta-lspawn stays root in a root-made instance: it becomes each
   * mailbox owner for each delivery */
  uid_t luid = r->single ? r->uid[ROLE_S] : 0;
  gid_t lgid = r->single ? r->gid[ROLE_S] : 0;
  spawn("posta-lspawn", f->lspawn[1], f->lspawn[1], f, luid, lgid, (gid_t)-1);
  spawn("posta-rspawn", f->rspawn[1], f->rspawn[1], f, r->uid[ROLE_R], r->gid[ROLE_R], (gid_t)-1);
  spawn("posta-clean", f->to_clean[0], f->from_clean[1], f, r->uid[ROLE_Q], r->gid[ROLE_Q], r->gid_posta);
}

/* dup2 onto fd n, without close-on-exec. */
static void place(int from, int n)
{
  if (dup2(from, n) < 0) strerr_diefusys(111, "set up the descriptors of posta-send");
}

void helpers_exec_send(start_fds const *f, roles const *r)
{
  char num[UINT_FMT];
  char const *argv[4] = { "posta-send", 0, 0, 0 };
  /* the helpers' ends are not posta-send's business: when posta-send dies,
   * its helpers must read end of file */
  close(f->lspawn[1]);
  close(f->rspawn[1]);
  close(f->to_clean[0]);
  close(f->from_clean[1]);
  place(f->lspawn[0], 3);
  place(f->rspawn[0], 4);
  place(f->to_clean[1], 5);
  place(f->from_clean[0], 6);
  if (f->notify >= 0) {
    int fl = fcntl(f->notify, F_GETFD);
    if (fl < 0 || fcntl(f->notify, F_SETFD, fl & ~FD_CLOEXEC) < 0) strerr_diefusys(111, "pass the notification descriptor");
    num[uint_fmt(num, (unsigned)f->notify)] = 0;
    argv[1] = "-d";
    argv[2] = num;
  }
  helpers_drop(r->uid[ROLE_S], r->gid[ROLE_S], r->single ? (gid_t)-1 : r->gid_posta);
  execv("bin/posta-send", (char *const *)argv);
  strerr_diefusys(111, "exec bin/posta-send");
}
