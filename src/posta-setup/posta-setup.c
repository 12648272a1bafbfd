/* posta-setup: creates an instance, brings one up to date, or checks one.
 *
 *   posta-setup [-s PORT] [-m PORT] [-i ADDRESS] DIR
 *   posta-setup -c DIR
 *
 * Run as root it creates the users of conf-users and a privilege-separated
 * instance; run as anyone else, a single-user instance. See posta-setup(8). */
#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>

#include "posta-setup/setup.h"

#define USAGE "posta-setup [ -s smtpport ] [ -m submissionport ] [ -i address ] dir | posta-setup -c dir"
#define dieusage() strerr_dieusage(100, USAGE)

static char const *check_port(char const *s)
{
  char *end;
  unsigned long p = strtoul(s, &end, 10);
  if (!*s || *end || !p || p > 65535) strerr_dief2x(100, "invalid port: ", s);
  return s;
}

static char const *check_address(char const *s)
{
  if (!*s || strlen(s) > 64 || strspn(s, "0123456789abcdefABCDEF.:") != strlen(s))
    strerr_dief2x(100, "invalid address: ", s);
  return s;
}

int main(int argc, char const *const *argv)
{
  PROG = "posta-setup";
  setup s = { 0 };
  char bindir[PATH_MAX], home[PATH_MAX];
  int check = 0;
  subgetopt l = SUBGETOPT_ZERO;
  for (;;) {
    int opt = subgetopt_r(argc, argv, "cs:m:i:", &l);
    if (opt == -1) break;
    switch (opt) {
      case 'c': check = 1; break;
      case 's': s.smtp_port = check_port(l.arg); break;
      case 'm': s.sub_port = check_port(l.arg); break;
      case 'i': s.listen_ip = check_address(l.arg); break;
      default: dieusage();
    }
  }
  argc -= l.ind; argv += l.ind;
  if (argc != 1) dieusage();

  if (check) {
    if (!realpath(argv[0], home)) strerr_diefu2sys(111, "find ", argv[0]);
    if (roles_load(&s.r, home) < 0) strerr_diefu3sys(111, "find the users of ", home, " (is it an instance?)");
    unsigned bad = setup_check(home, &s.r);
    fflush(stdout);
    setup_names_warn(home);
    if (bad) strerr_dief3x(100, home, ": ", bad == 1 ? "one problem" : "problems found");
    return 0;
  }

  if (argv[0][0] != '/') strerr_dief1x(100, "the instance's folder must be an absolute path");
  if (strlen(argv[0]) >= sizeof home || strspn(argv[0], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+-") != strlen(argv[0]))
    strerr_dief2x(100, "the instance's folder must be a plain path (letters, digits, / . _ + -): ", argv[0]);
  strcpy(home, argv[0]);
  while (strlen(home) > 1 && home[strlen(home) - 1] == '/') home[strlen(home) - 1] = 0;
  if (mkdir(home, 0755) < 0 && errno != EEXIST) strerr_diefu2sys(111, "create ", home);
  s.home = home;

  ssize_t n = readlink("/proc/self/exe", bindir, sizeof bindir - 1);
  if (n <= 0) strerr_diefu1sys(111, "find where posta-setup is");
  bindir[n] = 0;
  *strrchr(bindir, '/') = 0;
  s.bindir = bindir;

  if (geteuid() == 0) {
    if (setup_users() < 0) strerr_diefu1x(111, "create the users of conf-users");
    if (roles_system(&s.r) < 0) strerr_diefu1sys(111, "find the users of conf-users");
  } else {
    roles_single(&s.r, geteuid(), getegid());
  }
  s.r.home = home;
  if (setup_apply(&s) < 0) strerr_diefu2x(111, "set up ", home);
  if (setup_control(&s) < 0) strerr_diefu2x(111, "write the settings of ", home);
  if (setup_svc(&s) < 0) strerr_diefu2x(111, "write the services of ", home);
  if (setup_dovecot(&s) < 0) strerr_diefu2x(111, "write the Dovecot configuration of ", home);
  return 0;
}
