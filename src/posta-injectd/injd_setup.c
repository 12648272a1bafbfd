/* injd_setup: posta-injectd's start. It works on DIR ($POSTA_HOME, else
 * conf-home) as the owner of DIR/queue: started as root (by its service),
 * it becomes that owner and the queue's group (so that its files are 0640
 * posta-q:posta, as the setgid posta-queue's are) before it creates
 * anything. Its socket is DIR/injectd/socket: the folder (0750
 * posta-q:posta-d, posta-setup's) is what keeps every other uid out; the
 * socket itself is 0666 and the peer's uid is checked again at accept. */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/control.h"
#include "common/home.h"
#include "common/roles.h"
#include "posta-injectd/injd.h"

static void owner(injd *d)
{
  struct stat st;
  if (stat("queue", &st) < 0) strerr_diefusys(111, "stat queue");
  if (!S_ISDIR(st.st_mode)) strerr_dief1x(111, "queue is not a folder");
  d->quid = st.st_uid;
  d->qgid = st.st_gid;
  if (geteuid() == 0 && st.st_uid != 0) {
    /* the queue's group as its only group, as every daemon has its own */
    if (setgroups(1, &d->qgid) < 0 || setgid(d->qgid) < 0 || setuid(d->quid) < 0)
      strerr_diefusys(111, "become the queue's owner");
  }
  if (geteuid() != st.st_uid) strerr_dief1x(111, "the queue is not mine");
  d->fmode = getegid() == d->qgid ? 0640 : 0644;
}

static void allow(injd *d, char const *home)
{
  roles r;
  if (roles_load(&r, home) < 0) strerr_diefusys(111, "find the instance's users");
  d->nallowed = 0;
  d->allowed[d->nallowed++] = 0;
  /* posta-d runs every SMTP service, submission's included */
  d->allowed[d->nallowed++] = r.uid[ROLE_D];
  if (r.single) d->allowed[d->nallowed++] = r.uid[ROLE_Q];
}

static void listen_on(injd *d)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  memcpy(sa.sun_path, INJD_SOCKET, sizeof INJD_SOCKET);
  d->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (d->lfd < 0) strerr_diefusys(111, "create a socket");
  if (unlink(INJD_SOCKET) < 0 && errno != ENOENT) strerr_diefusys(111, "remove the old ", INJD_SOCKET);
  mode_t old = umask(0111);
  int r = bind(d->lfd, (struct sockaddr *)&sa, sizeof sa);
  umask(old);
  if (r < 0) strerr_diefusys(111, "bind to ", INJD_SOCKET);
  if (listen(d->lfd, INJD_MAXCLIENTS) < 0) strerr_diefusys(111, "listen on ", INJD_SOCKET);
}

static void signals(injd *d)
{
  struct sigaction sa = { 0 };
  sigset_t set;
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  /* a client gone is EPIPE; a write past RLIMIT_FSIZE is EFBIG (53) */
  if (sigaction(SIGPIPE, &sa, 0) < 0 || sigaction(SIGXFSZ, &sa, 0) < 0)
    strerr_diefusys(111, "set signal handlers");
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  if (sigprocmask(SIG_BLOCK, &set, 0) < 0) strerr_diefusys(111, "set the signal mask");
  d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (d->sigfd < 0) strerr_diefusys(111, "create a signalfd");
}

void injd_settings(injd *d)
{
  unsigned long t;
  if (control_ulong("control/injecttimeout", &t, INJD_TIMEOUT) < 0) {
    strerr_warnwu1sys("read control/injecttimeout: keeping the setting in force");
    return;
  }
  d->timeout = t ? (t > 86400 ? 86400 : (unsigned)t) : INJD_TIMEOUT;
}

void injd_setup(injd *d)
{
  char const *home = home_get();
  if (chdir(home) < 0) strerr_diefusys(111, "change to the home folder ", home);
  d->pid = getpid();
  d->timeout = INJD_TIMEOUT;
  owner(d);
  allow(d, home);
  umask(022);
  signals(d);
  injd_settings(d);
  listen_on(d);
}
