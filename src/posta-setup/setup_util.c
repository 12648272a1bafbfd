/* setup_util: small file-system helpers for posta-setup. Each returns 0, or
 * -1 after printing a warning that names the file. */
#include "posta-setup/setup.h"

#include <errno.h>
#include <stdlib.h>
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

/* Expands the @KEY@ placeholders of text into a malloc'd string. */
char *setup_expand(char const *text, setup_subst const *subs, unsigned n)
{
  size_t len = 0, a = strlen(text) + 1;
  /* room for every placeholder the text holds, however many */
  for (unsigned i = 0; i < n; i++)
    for (char const *t = strstr(text, subs[i].key); t; t = strstr(t + 1, subs[i].key))
      a += strlen(subs[i].value);
  char *out = malloc(a);
  if (!out) return 0;
  while (*text) {
    unsigned i = n;
    if (*text == '@')
      for (i = 0; i < n; i++)
        if (!strncmp(text, subs[i].key, strlen(subs[i].key))) break;
    if (i < n) {
      size_t v = strlen(subs[i].value);
      if (len + v >= a) { free(out); return 0; }
      memcpy(out + len, subs[i].value, v);
      len += v;
      text += strlen(subs[i].key);
    } else {
      if (len + 1 >= a) { free(out); return 0; }
      out[len++] = *text++;
    }
  }
  out[len] = 0;
  return out;
}
