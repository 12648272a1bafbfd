/* fsfix: the files a cmocka test works in.
 *
 * fsfix_enter makes a folder from a mkdtemp template ("/tmp/...-XXXXXX",
 * rewritten in place) and changes into it: 0, or -1 for a setup function
 * to return. fsfix_remove removes a folder and everything in it, links not
 * followed: 0, or -1. write_file puts a string into a file and fails the
 * test when it cannot. */
#ifndef POSTA_TEST_FSFIX_H
#define POSTA_TEST_FSFIX_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static inline int fsfix_enter(char *dir)
{
  return mkdtemp(dir) && chdir(dir) == 0 ? 0 : -1;
}

static inline int fsfix_unlink(char const *path, struct stat const *st, int flag, struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static inline int fsfix_remove(char const *dir)
{
  return nftw(dir, fsfix_unlink, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void write_file(char const *fn, char const *s)
{
  FILE *f = fopen(fn, "w");
  assert_non_null(f);
  fputs(s, f);
  fclose(f);
}

#endif
