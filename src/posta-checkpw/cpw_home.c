/* cpw_home: posta-checkpw's descriptors, where it works, and giving up its
 * setuid identity. See cpw.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/home.h"
#include "posta-checkpw/cpw.h"

void cpw_fds(void)
{
  for (int fd = 0; fd < 3; fd++) {
    if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd) _exit(CPW_TEMP);
  }
  if (fcntl(3, F_GETFD) < 0) strerr_dief1x(CPW_USAGE, "descriptor 3 is not open (login NUL password NUL)");
}

/* DIR of DIR/bin/posta-checkpw, as the kernel names our program. */
static void installed(char *home, size_t size)
{
  char exe[PATH_MAX];
  ssize_t r = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (r <= 0) strerr_diefu1sys(CPW_TEMP, "read /proc/self/exe");
  exe[r] = 0;
  char *slash = strrchr(exe, '/');
  if (!slash || slash - exe < 5 || memcmp(slash - 4, "/bin", 4)) strerr_diefu2x(CPW_TEMP, "find the instance of ", exe);
  size_t n = (size_t)(slash - 4 - exe);
  if (!n || n >= size) strerr_diefu2x(CPW_TEMP, "find the instance of ", exe);
  memcpy(home, exe, n);
  home[n] = 0;
}

void cpw_home(void)
{
  char buf[PATH_MAX];
  char const *home = buf;
  uid_t r = getuid();
  if (!r || r == geteuid()) home = home_get();
  else installed(buf, sizeof buf);
  if (chdir(home) < 0) strerr_diefu2sys(CPW_TEMP, "chdir to ", home);
}

void cpw_drop(void)
{
  uid_t u = getuid();
  gid_t g = getgid();
  if (setresgid(g, g, g) < 0 || setresuid(u, u, u) < 0) strerr_diefu1sys(CPW_TEMP, "drop privileges");
}
