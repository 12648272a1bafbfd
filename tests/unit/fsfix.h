/* fsfix: the files a cmocka test works in.
 *
 * fsfix_enter makes a folder from a mkdtemp template ("/tmp/...-XXXXXX",
 * rewritten in place) and changes into it: 0, or -1 for a setup function
 * to return; fsfix_enter_mkdir also makes the folder sub there, with mode
 * (a test's control/, Maildir/ or smtpd/). fsfix_remove removes a folder and everything in it, links not
 * followed: 0, or -1. write_file puts a string into a file, read_file
 * reads at most size bytes of one (and says how many), and both fail the
 * test when they cannot open it. */
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

static inline int fsfix_enter_mkdir(char *dir, char const *sub, mode_t mode)
{
  return fsfix_enter(dir) < 0 || mkdir(sub, mode) < 0 ? -1 : 0;
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

static inline size_t read_file(char const *fn, char *buf, size_t size)
{
  FILE *f = fopen(fn, "r");
  assert_non_null(f);
  size_t n = fread(buf, 1, size, f);
  fclose(f);
  return n;
}

#endif
