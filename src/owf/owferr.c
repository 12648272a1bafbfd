/* owferr: fatal errors without strerr. See owferr.h. */
#include "owf/owferr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void say(char const *line, int n)
{
  if (n <= 0) return;
  ssize_t r = write(2, line, (size_t)n);
  (void)r;
}

void owferr_die(int code, char const *prog, char const *what, int e)
{
  char line[1024];
  int n = e ? snprintf(line, sizeof line, "%s: fatal: unable to %s: %s\n", prog, what, strerror(e))
            : snprintf(line, sizeof line, "%s: fatal: unable to %s\n", prog, what);
  say(line, n < (int)sizeof line ? n : (int)sizeof line - 1);
  _exit(code);
}

void owferr_usage(char const *prog, char const *usage)
{
  char line[512];
  int n = snprintf(line, sizeof line, "%s: usage: %s\n", prog, usage);
  say(line, n < (int)sizeof line ? n : (int)sizeof line - 1);
  _exit(100);
}
