/* setup_util: small file-system helpers for posta-setup. Each returns 0, or
 * -1 after printing a warning that names the file. */
#include "posta-setup/setup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/strerr.h>


int setup_path(char *buf, size_t size, char const *home, char const *rel)
{
  int n = snprintf(buf, size, "%s%s%s", home, *rel ? "/" : "", rel);
  if (n < 0 || (size_t)n >= size) {
    strerr_warnwu3x("build the path of ", home, rel);
    return -1;
  }
  return 0;
}

int setup_run(char const *const *argv, char const *input)
{
  int status;
  pid_t pid = fork();
  if (pid < 0) {
    strerr_warnwu2sys("fork for ", argv[0]);
    return -1;
  }
  if (!pid) {
    if (input) {
      int fd = open(input, O_RDONLY);
      if (fd < 0 || dup2(fd, 0) < 0) {
        strerr_warnwu2sys("open ", input);
        _exit(127);
      }
    }
    execvp(argv[0], (char *const *)argv);
    strerr_warnwu2sys("exec ", argv[0]);
    _exit(127);
  }
  if (waitpid(pid, &status, 0) < 0) return -1;
  if (!WIFEXITED(status) || WEXITSTATUS(status)) {
    strerr_warnw2x(argv[0], " failed");
    return -1;
  }
  return 0;
}
